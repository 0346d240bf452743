from django.contrib import admin

from .models import Attendance, TrainingSession


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["beneficiary"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "category", "organization", "town"]
    list_filter = ["category", "town"]
    list_select_related = ["organization", "town"]
    search_fields = ["title", "trainer"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]

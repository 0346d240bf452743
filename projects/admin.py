from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CharityProject, ProjectReport, ReportAttachment


@admin.register(CharityProject)
class CharityProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "funder", "funding_source", "amount", "start_date", "end_date", "status"]
    list_filter = ["status", "funding_source"]
    list_select_related = ["organization", "funder"]
    search_fields = ["name"]


@admin.register(ProjectReport)
class ProjectReportAdmin(SimpleHistoryAdmin):
    list_display = ["project", "period_start", "period_end", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "reviewer", "created_by"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(admin.ModelAdmin):
    list_display = ["report", "original_name", "content_type", "size", "uploaded_at"]
    list_select_related = ["report__project"]
    readonly_fields = ["file"]

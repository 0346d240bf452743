from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organization, Town


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "town", "active", "volunteer_count"]
    list_filter = ["town", "kind", "active", "service_areas"]
    list_select_related = ["town"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]

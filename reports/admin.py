from django.contrib import admin

from .models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read-only: reports are asked for on the reports page and built by the worker."""

    list_display = ["month", "scope_kind", "scope_key", "status", "progress", "built_at"]
    list_filter = ["status", "scope_kind"]
    list_select_related = ["town", "organization"]
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseAttachment, CaseEvent, CaseParty, MediationCase


class CasePartyInline(admin.TabularInline):
    model = CaseParty
    extra = 0
    raw_id_fields = ["beneficiary"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    raw_id_fields = ["author"]


@admin.register(MediationCase)
class MediationCaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "organization", "category", "status", "received_date", "closed_date"]
    list_filter = ["status", "category"]
    list_select_related = ["organization"]
    search_fields = ["number"]
    readonly_fields = ["number", "version"]
    inlines = [CasePartyInline, CaseEventInline]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    list_display = ["case", "original_name", "content_type", "size", "uploaded_at"]
    list_select_related = ["case"]
    readonly_fields = ["file"]

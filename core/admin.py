"""Read-only views of the outbox and the emails for the IT superuser (what waits, what failed)."""

from django.contrib import admin

from .models import Email, OutboxMessage, ScheduledRun


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    list_display = ["id", "task_name", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at"]
    list_filter = ["status", "task_name"]


@admin.register(Email)
class EmailAdmin(ReadOnly):
    list_display = ["id", "key", "subject", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    exclude = ["body", "html"]  # a set-password link must not be read off the admin


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnly):
    list_display = ["job", "slot", "started_at"]

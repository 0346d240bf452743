"""Read-only views of the outbox and the emails for the IT superuser (what waits, what failed)."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import Email, OutboxMessage, ScheduledRun

# ModelAdmin is generic only for the type checker (no django_stubs_ext.monkeypatch at run time);
# Any: each subclass below shows another model.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class ReadOnly(_ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
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

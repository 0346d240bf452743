import datetime
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import private_storage

if TYPE_CHECKING:
    from organizations.access import AnyUser


# A failed import stays on the uploader's home page this many days.
ATTENTION_DAYS = 7


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: "AnyUser") -> Self:
        """A user sees the import jobs they started; staff see all."""
        from organizations.access import role_of

        role = role_of(user)
        if role == "staff":
            return self
        if role == "member":
            return self.filter(user=user)
        return self.none()

    def needing_attention(self, now: "datetime.datetime | None" = None) -> Self:
        """Jobs waiting for their uploader: previews to confirm or cancel, rejected sheets to fix
        (both cancelled by the daily purge after a day), and failures of the last week."""
        now = now or timezone.now()
        return self.filter(
            Q(status__in=[ImportJob.Status.PREVIEWED, ImportJob.Status.REJECTED])
            | Q(status=ImportJob.Status.FAILED, updated_at__gte=now - datetime.timedelta(days=ATTENTION_DAYS))
        )


class ImportJob(models.Model):
    """One uploaded sheet, from upload to import.  Its statuses:

    * UPLOADED (已上传): stored and checked cheaply (size, type, zip directory); the preview
      is queued (large files) or running;
    * PREVIEWED (待确认): every row passed the dry run; waits for the user's 确认导入 or 取消;
    * RUNNING (导入中): confirmed; the import is writing (all rows or none);
    * DONE (已完成): imported; the upload is deleted;
    * REJECTED (已拒绝): the user's file is wrong: a row broke a rule (the rejected-rows sheet
      stays downloadable until the daily purge) or the file as a whole was refused (type,
      header, more rows than IMPORT_MAX_ROWS); nothing was imported and the upload is deleted;
      fix and upload again;
    * FAILED (失败): the portal failed (an unexpected error): nothing was imported; the upload is
      deleted;
    * CANCELLED (已取消): cancelled by the user, or left waiting for a day (purged).

    Only UPLOADED -> PREVIEWED | REJECTED | FAILED | CANCELLED, PREVIEWED -> RUNNING |
    CANCELLED, REJECTED -> CANCELLED (the user deletes the rejected-rows sheet) and RUNNING ->
    DONE | REJECTED | FAILED happen; DONE, FAILED and CANCELLED are final."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("待确认")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("已拒绝")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(_("数据类型"), max_length=30)
    original_name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(max_length=200, blank=True, storage=private_storage)  # the upload, while kept
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # A job whose worker died (nothing was imported: all rows or none) can be run again from
    # its page until its upload is purged (services.jobs_purge_failed).
    retryable = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)  # task runs started since the last confirm
    # The first rows of the sheet as the preview shows them (importer.ImportResult.rows).
    preview = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    @property
    def resource_label(self) -> str:
        from .resources import RESOURCES

        resource = RESOURCES.get(self.resource)
        return str(resource.label) if resource else self.resource

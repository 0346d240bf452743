from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from organizations.access import AnyUser


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


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("待确认")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(_("数据类型"), max_length=30)
    original_name = models.CharField(_("文件名"), max_length=200)
    file = models.CharField(max_length=200, blank=True)  # relative to PRIVATE_STORAGE_ROOT
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # A job whose worker died (nothing was imported: all rows or none) can be run again from
    # its page until its upload is purged (services.jobs_purge_failed).
    retryable = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)  # task runs started since the last confirm
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

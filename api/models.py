"""What the API keeps of its own: the idempotency keys of created visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Visit


class VisitSubmission(models.Model):
    """A visit created through the API under a client-generated key (a UUID the phone makes
    when the visit is recorded, offline or not).  A second POST with the same key returns this
    visit and stores nothing; the unique key makes two concurrent ones store one visit."""

    key = models.UUIDField(_("幂等键"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访提交")
        verbose_name_plural = _("走访提交")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.key)

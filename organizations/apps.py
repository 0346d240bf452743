from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("组织")

    def ready(self):
        from . import rules  # noqa: F401  (registers the rule sets)
        from .options import connect_signals

        connect_signals()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("家事调解")

    def ready(self):
        from organizations.panels import register_panel

        from . import rules  # noqa: F401  (registers the rule sets)
        from .panels import case_panel

        register_panel(40, case_panel)

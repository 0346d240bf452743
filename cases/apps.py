from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("家事调解")

    def ready(self):
        from organizations.audit import register_subject_type
        from organizations.panels import register_panel

        from . import (
            audit,
            rules,  # noqa: F401  (registers the rule sets)
        )
        from .panels import case_panel

        register_panel(40, case_panel)
        register_subject_type(
            "case_party", label=audit.LABEL, labels=audit.labels, find=audit.find, fields=audit.field_labels()
        )

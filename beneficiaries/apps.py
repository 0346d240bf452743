from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("服务对象")

    def ready(self):
        from organizations.audit import register_subject_type
        from organizations.panels import register_panel

        from . import (
            audit,
            rules,  # noqa: F401  (registers the rule sets)
            triggers,
        )
        from .panels import beneficiaries_panel

        # Visit.person_town is kept by the database: (re)installed after every migrate.
        pre_migrate.connect(triggers.drop_before_migrate, sender=self, dispatch_uid="beneficiaries.person_town.drop")
        post_migrate.connect(triggers.install_triggers, sender=self, dispatch_uid="beneficiaries.person_town")
        register_panel(20, beneficiaries_panel)
        register_subject_type(
            "beneficiary", label=audit.LABEL, labels=audit.labels, find=audit.find, fields=audit.field_labels()
        )

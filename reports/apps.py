from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计报表")

    def ready(self):
        from core import generation as core_generation
        from spreadsheets.models import ImportJob

        from . import generation, signals

        # Lists below reports key their cached figures on the generation (core.generation).
        core_generation.provide(generation.current)

        # The generation triggers follow the list in code, whatever migrated last.
        post_migrate.connect(generation.install_triggers, dispatch_uid="reports.generation")
        post_save.connect(signals.import_finished, sender=ImportJob, dispatch_uid="reports.after_import")

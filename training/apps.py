from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("培训活动")

    def ready(self):
        from organizations.panels import register_panel

        from . import rules  # noqa: F401  (registers the rule sets)
        from .panels import training_panel

        register_panel(30, training_panel)

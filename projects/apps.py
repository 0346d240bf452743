from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("公益项目")

    def ready(self):
        from organizations.panels import register_panel

        from . import rules  # noqa: F401  (registers the rule sets)
        from .panels import project_panel

        register_panel(30, project_panel)

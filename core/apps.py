from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and no domain owns: roles, pagination, feedback, widgets,
    decorators, private files, months.  Imports no other project app."""

    name = "core"
    verbose_name = "core"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    verbose_name = _("Excel 导入导出")

    def ready(self):
        from organizations.audit import register_resource_labels

        from .resources import RESOURCES

        register_resource_labels({name: resource.label for name, resource in RESOURCES.items()})

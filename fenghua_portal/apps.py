from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fenghua_portal"
    verbose_name = "兰馨HUI"

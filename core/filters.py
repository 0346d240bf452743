import django_filters

from .widgets import speed_up_selects


class PortalFilterSet(django_filters.FilterSet):
    """The FilterSet every list uses: its selects render fast (see widgets.FastSelect)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            speed_up_selects(super().form)
        return self._form

import django_filters
from django import forms

from .widgets import speed_up_selects


# django-filter ships no type information (and no maintained stubs): its FilterSet is Any.
class PortalFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """The FilterSet every list uses: its selects render fast (see widgets.FastSelect)."""

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            speed_up_selects(super().form)
        form: forms.Form = self._form
        return form

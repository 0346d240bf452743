from typing import Any, TypeVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

from .widgets import speed_up_selects

_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


# django-filter ships no type information (and no maintained stubs): its FilterSet is Any.
class PortalFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """The FilterSet every list uses: its selects render fast (see widgets.FastSelect)."""

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            speed_up_selects(super().form)
        form: forms.Form = self._form
        return form


def filtered(
    filter_class: type[PortalFilterSet], request: HttpRequest, base: _QS, **kwargs: Any
) -> tuple[PortalFilterSet, _QS]:
    """(filterset, rows) for a list page: ``base`` filtered by the query string when it is
    valid, else all of ``base``.  ``kwargs`` go to the FilterSet (``user=...``)."""
    filterset = filter_class(request.GET or None, queryset=base, request=request, **kwargs)
    rows: _QS = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return filterset, rows

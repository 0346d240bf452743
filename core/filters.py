from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .widgets import FastSelect, speed_up_selects

_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


# django-filter ships no type information (and no maintained stubs): its FilterSet is Any.
class PortalFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """The FilterSet every list uses: its selects render fast (see widgets.FastSelect).

    ``option_cache_keys``: {filter name: function(request) -> the cache key of its options for
    this request's user, or None not to cache}.  The key must name everything the options
    depend on (the user's scope), since users with the same key share the cached options."""

    option_cache_keys: ClassVar[dict[str, Callable[[HttpRequest | None], str | None]]] = {}

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            built = speed_up_selects(super().form)
            for name, key_for in self.option_cache_keys.items():
                widget = built.fields[name].widget
                if isinstance(widget, FastSelect):
                    widget.cache_key = key_for(self.request)
        form: forms.Form = self._form
        return form

    def chosen(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """What a list's remembered figures or count depend on besides the user's scope and the
        search: the user (a filter may be the user's own: "visits I recorded" is
        ``created_by=request.user``, so two users of one scope must never share it) and
        (filter name, values in the query string) of every filter, in a fixed order."""
        if self.request is None:
            return tuple((name, ()) for name in sorted(self.filters))
        data: QueryDict = self.request.GET
        user = (("user", (str(getattr(self.request.user, "pk", "")),)),)
        return user + tuple((name, tuple(data.getlist(name))) for name in sorted(self.filters))

    def fields_html(self) -> SafeString:
        """The filter form's fields, each ``<div class="field"><label>…</label><widget></div>``,
        rendered in Python (``includes/filter_form.html``)."""
        form = self.form
        suffix = str(form.label_suffix or "")

        def parts(bound: forms.BoundField) -> tuple[str, str, str, str]:
            label = str(bound.label)
            mark = suffix if suffix and label and label[-1] not in ":?.!：？。！" else ""
            return (bound.id_for_label, label, mark, bound.as_widget())

        return format_html_join(
            "", '<div class="field"><label for="{}">{}{}</label>{}</div>', (parts(bound) for bound in form)
        )


def filtered(
    filter_class: type[PortalFilterSet], request: HttpRequest, base: _QS, **kwargs: Any
) -> tuple[PortalFilterSet, _QS]:
    """(filterset, rows) for a list page: ``base`` filtered by the query string when it is
    valid, else all of ``base``.  ``kwargs`` go to the FilterSet (``user=...``)."""
    filterset = filter_class(request.GET or None, queryset=base, request=request, **kwargs)
    rows: _QS = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return filterset, rows

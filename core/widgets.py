"""Form widgets shared by the apps."""

import logging
from typing import Any, TypeVar

from django import forms
from django.core.cache import cache
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_Form = TypeVar("_Form", bound=forms.BaseForm)
logger = logging.getLogger(__name__)

# How long a select's cached options live at most.  Their key names the user's scope and a
# generation that saving an organization or a membership changes, so they are normally
# replaced at once; the time bounds how long a stale name could show if that change was lost
# (the cache unreachable at that moment).
OPTIONS_CACHE_SECONDS = 600


class FastSelect(forms.Select):
    """A <select> whose options are rendered in Python.  Django renders each option through a
    template (tens of microseconds each): a filter listing the district's 600 organizations paid
    over 30 ms for it on every list page.

    With ``cache_key`` set (``PortalFilterSet.option_cache_keys``) the options are read from
    the cache as one HTML fragment (no query, nothing rendered) and only the selected option is
    marked; when the cache fails they are built from the choices as without it."""

    cache_key: str | None = None

    def _options(self, selected: set[str]) -> str:
        def option(v: object, label: object) -> str:
            v = str(v)
            mark = " selected" if v in selected else ""
            return f'<option value="{escape(v)}"{mark}>{escape(label)}</option>'

        parts: list[str] = []
        for group, choices in self.choices:
            if isinstance(choices, (list, tuple)):
                inner = "".join(option(v, label) for v, label in choices)
                parts.append(f'<optgroup label="{escape(group)}">{inner}</optgroup>')
            else:
                parts.append(option(group, choices))
        return "".join(parts)

    def _cached_options(self, key: str, selected: set[str]) -> str:
        try:
            fragment = cache.get(key)
        except Exception:  # the cache is an optimisation: any failure means "build them"
            logger.warning("options cache unreadable; built the options", exc_info=True)
            return self._options(selected)
        if not isinstance(fragment, str):
            fragment = self._options(set())
            try:
                cache.set(key, fragment, OPTIONS_CACHE_SECONDS)
            except Exception:
                logger.warning("options cache unwritable", exc_info=True)
        for value in selected:
            plain = f'<option value="{escape(value)}">'
            fragment = fragment.replace(plain, f'<option value="{escape(value)}" selected>', 1)
        return fragment

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        key = self.cache_key
        options = self._cached_options(key, selected) if key else self._options(selected)
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")


class FastInput(Input):
    """An <input> rendered in Python (the same markup as Django's ``input.html``): a filter
    form of six fields paid a template render per widget on every list page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        value_attr = f' value="{escape(shown)}"' if shown not in (None, "") else ""
        return mark_safe(f'<input type="{escape(self.input_type)}" name="{escape(name)}"{value_attr}{flatatt(final)}>')


_FAST_INPUT_TYPES = {"text", "search", "date", "number", "email", "tel"}
_fast_classes: dict[type[Input], type[Input]] = {}


def _fast_input_class(cls: type[Input]) -> type[Input]:
    if cls not in _fast_classes:
        _fast_classes[cls] = type(f"Fast{cls.__name__}", (FastInput, cls), {})
    return _fast_classes[cls]


def speed_up_selects(form: _Form) -> _Form:
    """Swaps every single-choice <select> of ``form`` for a FastSelect (same choices, attrs),
    and renders its plain text, date and number inputs in Python (FastInput)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select or type(widget) is forms.NullBooleanSelect:
            fast = FastSelect(attrs=widget.attrs, choices=widget.choices)
            fast.is_required = widget.is_required
            field.widget = fast
        elif (
            isinstance(widget, Input)
            and not isinstance(widget, (FastInput, forms.CheckboxInput, forms.FileInput))
            and widget.input_type in _FAST_INPUT_TYPES
            and widget.template_name == Input.template_name
        ):
            widget.__class__ = _fast_input_class(type(widget))
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

"""Form widgets shared by the apps."""

from typing import Any, TypeVar

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_Form = TypeVar("_Form", bound=forms.BaseForm)


class FastSelect(forms.Select):
    """A <select> whose options are rendered in Python.  Django renders each option through a
    template (tens of microseconds each): a filter listing the district's 600 organizations paid
    over 30 ms for it on every list page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}

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
        return mark_safe(f"<select{flatatt(attrs)}>{''.join(parts)}</select>")


def speed_up_selects(form: _Form) -> _Form:
    """Swaps every single-choice <select> of ``form`` for a FastSelect (same choices, attrs)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select or type(widget) is forms.NullBooleanSelect:
            fast = FastSelect(attrs=widget.attrs, choices=widget.choices)
            fast.is_required = widget.is_required
            field.widget = fast
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

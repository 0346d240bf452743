from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .permissions import can_import
from .resources import RESOURCES


class UploadForm(forms.Form):
    resource = forms.ChoiceField(label=_("数据类型"))
    file = forms.FileField(label=_("Excel 或 CSV 文件"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("xlsx 或 csv，不超过 10 MB、%(rows)s 行；表头须与模板一致。") % {
            "rows": f"{settings.IMPORT_MAX_ROWS:,}"
        }
        self.fields["resource"].choices = [
            (name, _(resource.label)) for name, resource in RESOURCES.items() if can_import(user, name)
        ]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

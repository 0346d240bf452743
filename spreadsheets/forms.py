from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .permissions import can_import
from .resources import RESOURCES


class UploadForm(forms.Form):
    resource = forms.ChoiceField(label=_("数据类型"))
    file = forms.FileField(label=_("Excel 或 CSV 文件"), help_text=_("xlsx 或 csv，不超过 10 MB；表头须与模板一致。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["resource"]).choices = [
            (name, resource.label) for name, resource in RESOURCES.items() if can_import(user, name)
        ]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

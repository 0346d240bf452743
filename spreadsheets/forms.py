from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from organizations.access import role_of
from organizations.models import Organization

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
        cast(forms.ChoiceField, self.fields["resource"]).choices = [
            (name, resource.label) for name, resource in RESOURCES.items() if can_import(user, name)
        ]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


class FullExportForm(forms.Form):
    """A full (unmasked) export: its purpose is required and recorded; the rows can be limited
    to one organization (an admin chooses among the organizations they administer)."""

    purpose = forms.CharField(
        label=_("用途"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：向区民政局报送困难女性名单。用途、导出人、时间和每一位被导出的人都会被记录。"),
    )
    organization = forms.ModelChoiceField(
        label=_("组织"), queryset=Organization.objects.none(), required=False, empty_label=_("全部（我可导出的）")
    )
    fmt = forms.ChoiceField(label=_("文件格式"), choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV")], initial="xlsx")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = exportable_organizations(user, full=True)


def exportable_organizations(user, *, full):
    """The organizations whose rows the user may export: for a full export staff all and an
    admin the administered ones; for a masked export those the user may see."""
    organizations = Organization.objects.order_by("name")
    if role_of(user) == "staff":
        return organizations
    return organizations.manageable_by(user) if full else organizations.visible_to(user)

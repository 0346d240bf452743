from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .rules import email_used_by_another_account


class AddEmailForm(AllauthAddEmailForm):
    """allauth's form to change one's address, refusing an address another account uses."""

    def clean_email(self):
        value = super().clean_email()
        if email_used_by_another_account(value, user=self.user):
            raise forms.ValidationError(_("该邮箱已被其他账号使用，不能添加。"))
        return value


class ApiTokenForm(forms.Form):
    """Names a new device token ("我的手机", "统计脚本")."""

    name = forms.CharField(
        label=_("设备名称"),
        max_length=60,
        help_text=_("用于区分不同设备，例如“我的手机”或“月度统计脚本”。"),
    )

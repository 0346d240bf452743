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

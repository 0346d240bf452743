"""Turning a service's ValidationError into what the user sees: errors on the form fields it
names, or flash messages on a page that redirects.  Shared by the views of every app."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Puts each error of ``exc`` on the form field it names (or on the form as a whole).  A
    stale save (core.versioning.StaleEdit) lists the other person's changes above the form,
    which then carries the current version."""
    current_version = getattr(exc, "current_version", None)
    if current_version is not None and hasattr(form, "carry_version"):
        form.carry_version(current_version)
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


def form_error_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """A redirecting POST's invalid form, as messages prefixed with the field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))

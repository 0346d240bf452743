"""Form pieces shared by the apps: forms that check a record with its rule function, and the
version an edit form carries (see core.versioning)."""

from typing import TYPE_CHECKING, Any

from django import forms

from .rules import NON_FIELD, Errors, Values, as_values

# The mixins below are mixed into Django forms; for the type checker they are forms already.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class RuleCheckedForm(_FormBase):
    """Mixin for a form that enters one record.  After the fields are parsed, the record's rule
    function runs on every value that parsed, and each error it finds is put on its field
    (unless the field already has a parsing error; an empty required field gets the rule's
    words), so the person sees every error in the first round, the ID number's checksum
    included.  The form never saves: the view passes
    ``service_data()`` to the service, which checks the same rules again.

    Subclasses set ``model`` and implement ``check(values) -> {field: message}`` (calling the
    app's rule function with the actor and the instance the form was built with); fields
    named in ``not_values`` (a confirmation box, the version) are not record values."""

    model: Any = None  # the model class (a ModelForm's Meta.model is a different attribute)
    not_values: tuple[str, ...] = ("version",)

    def check(self, values: Values) -> Errors:
        raise NotImplementedError

    def rule_values(self) -> Values:
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.not_values}
        return as_values(self.model, data)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values to pass to the service as keyword arguments."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.not_values}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        for field, message in self.check(self.rule_values()).items():
            target = field if field in self.fields else None
            if target is not None and target in self.errors:
                if any(error.code != "required" for error in self.errors[target].as_data()):
                    continue  # the field's own parsing error stands
                # A required field left empty: said in the rule's words, as every door says it.
                del self.errors[target]
            if target is None and field != NON_FIELD and message in self.non_field_errors():
                continue
            self.add_error(target, message)
        return cleaned

    def _post_clean(self) -> None:
        # The rules (and the service) validate the record, not the model's full_clean.
        pass


class VersionedForm(_FormBase):
    """Mixin for an edit form: carries the version of the record it was loaded at."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        instance = getattr(self, "instance", None) or getattr(self, "record", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.fields["version"].initial = instance.version

    def carry_version(self, version: int) -> None:
        """After a stale save: the form keeps what the person typed and now carries the
        current version, so a second save (made knowing the other changes) can go through."""
        bound: Any = self.data  # a QueryDict or a dict; both copy to a mutable one
        data = bound.copy()
        data["version"] = str(version)
        setattr(self, "data", data)  # noqa: B010 - the form's bound data, replaced as a whole

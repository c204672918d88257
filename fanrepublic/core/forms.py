from django import forms

from .errors import ValidationFailed


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's validation errors on the form fields they belong to."""
    for field, messages in exc.errors.items():
        form.add_error(field if field in form.fields else None, messages)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one input; each is checked by the service (core.images)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []

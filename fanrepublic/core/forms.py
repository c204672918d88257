import uuid

from django import forms

from .errors import DomainError, ValidationFailed
from .images import check_image


def clean_checked_image(upload):
    """For a form's clean_<image>(): a newly uploaded file must be a real image of an
    accepted type and size (core.images); an unchanged one passes. A new file is stored
    under a random name with the extension of its real format, as forum attachments are:
    the uploader's file name (often their own name, or a path) is never kept or served."""
    if upload and hasattr(upload, "content_type"):
        try:
            ext, _content_type = check_image(upload)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None
        upload.name = f"{uuid.uuid4().hex}.{ext}"
    return upload


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's validation errors on the form fields they belong to."""
    for field, messages in exc.errors.items():
        form.add_error(field if field in form.fields else None, messages)


def submit_form(form: forms.Form, action):
    """Validate a posted form and hand its data to a service: `action(cleaned_data)`.
    Returns (result, status): (None, 422) for invalid input, with the service's own
    refusals shown on the form (field errors, or a non-field error with its status). A
    rate limit's wait is kept as `form.retry_after` (None otherwise), so the view can
    answer 429 with the real Retry-After rather than the middleware's default minute."""
    form.retry_after = None
    if not form.is_valid():
        return None, 422
    try:
        return action(form.cleaned_data), 200
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None, 422
    except DomainError as exc:
        form.add_error(None, exc.message)
        form.retry_after = getattr(exc, "retry_after", None)
        return None, exc.status


def with_retry_after(response, form):
    """The response, carrying the real wait of a rate-limited form (`submit_form` keeps
    it as `form.retry_after`) as its Retry-After header."""
    if getattr(form, "retry_after", None) is not None:
        response["Retry-After"] = str(form.retry_after)
    return response


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


def act_then_redirect(request, back, action, done: str):
    """A button's action on a page: run `action()`, then go `back` (an object with a
    URL, or a URL name) with `done` as the success message — or with the service's own
    words when it refuses. A 404 stays a 404 (a missing and a forbidden object alike)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)

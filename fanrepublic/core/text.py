"""Text at the door: what the platform refuses before any library or database sees it.

A lone surrogate ("\\ud800" in JSON) is not a character: it cannot be encoded as UTF-8,
so nh3, the database driver or an email header fail on it deep inside a write. NUL
cannot be stored in PostgreSQL text. Control characters in a single-line field (a
display name, a title) end up in email subjects and HTTP headers. All three are refused
with a clear, translated message instead.
"""

import re

from django.utils.translation import gettext as _

from .errors import ValidationFailed

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls (but tab, LF and CR, which multi-line text keeps), DEL, C1 controls, and the
# line and paragraph separators that some mail and header code treats as new lines.
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def text_problem(value: str, *, single_line: bool = False) -> str | None:
    """The reason this text is refused, or None when it may be stored."""
    if _SURROGATE.search(value):
        return _("The text contains characters that are not valid Unicode.")
    if "\x00" in value:
        return _("The text contains a NUL character, which is not allowed.")
    pattern = _CONTROL_SINGLE_LINE if single_line else _CONTROL_MULTILINE
    if pattern.search(value):
        if single_line:
            return _("This field must be a single line without control characters.")
        return _("The text contains control characters, which are not allowed.")
    return None


def single_line_checked(value, *, field: str, max_length: int, required: bool = True) -> str:
    """A single-line field as services store it: whitespace runs collapsed, refused
    (ValidationFailed on `field`) when it holds what text_problem refuses, is empty but
    required, or is longer than `max_length`."""
    value = " ".join(str(value or "").split())
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValidationFailed(problem, field=field)
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def text_checked(value, *, field: str, max_length: int, min_length: int = 0) -> str:
    """A multi-line field as services store it: trimmed, refused when text_problem
    refuses it or it is shorter than `min_length` or longer than `max_length`."""
    value = str(value or "").strip()
    problem = text_problem(value)
    if problem:
        raise ValidationFailed(problem, field=field)
    if len(value) < min_length:
        raise ValidationFailed(_("Write at least %(n)d characters.") % {"n": min_length}, field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def _strings(data):
    """Every string in decoded JSON, keys included."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def first_text_problem(data) -> str | None:
    """The first problem anywhere in decoded JSON (keys and values), or None."""
    return next((p for p in map(text_problem, _strings(data)) if p), None)


def any_invalid_unicode(data) -> bool:
    return any(_SURROGATE.search(s) for s in _strings(data))


def email_subject(text: str, *, max_length: int = 200) -> str:
    """A subject line from text that members wrote (a display name, a title): control
    characters and line breaks become spaces (an email header must be one line, or
    Django refuses to send it), invalid Unicode is dropped, and it is kept short."""
    text = _SURROGATE.sub("", text)
    text = " ".join(_CONTROL_SINGLE_LINE.sub(" ", text).split())
    return text if len(text) <= max_length else text[: max_length - 1] + "…"

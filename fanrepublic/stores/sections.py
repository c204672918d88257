"""Sections other apps add to a store customer's page (the desk's contact page): an app
that knows more about a customer (the trust app: temperature, open case) registers a
function here instead of stores importing it.

    @contact_section
    def trust_panel(request, contact) -> str: ...   # HTML, or "" to show nothing
"""

from collections.abc import Callable

from django.utils.safestring import mark_safe

_sections: list[Callable] = []


def contact_section(func: Callable) -> Callable:
    if func not in _sections:
        _sections.append(func)
    return func


def render_contact_sections(request, contact) -> list[str]:
    # Each section renders a template with autoescaping; its HTML is safe to place.
    return [mark_safe(html) for func in _sections if (html := func(request, contact))]

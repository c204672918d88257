"""Members' text inside translated sentences: isolated, so a direction override in a
name ("\u202e…") cannot reorder the words and numbers around it."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def isolate(value) -> str:
    """`{% blocktrans with who=name|isolate %}`: the name escaped, in a <bdi>."""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolate_plain(value) -> str:
    """The same for plain text where no element may stand (the page's <title>): between
    FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE. Still escaped by the template."""
    return f"\u2068{value}\u2069"

from django import template

from ..money import yuan_text

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """1230 -> "¥12.30" (amounts are kept in fen)."""
    if fen is None or fen == "":
        return "—"
    return f"¥{yuan_text(int(fen))}"

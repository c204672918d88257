from django import template

from ..money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """123456 -> "¥1,234.56" (amounts are kept in fen)."""
    if fen is None or fen == "":
        return "—"
    return f"¥{fen_to_yuan(int(fen)):,.2f}"

from django.utils.translation import get_language


def is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


class BilingualMixin:
    """Content written by staff in both languages (board and product names) keeps an
    English field and a `_zh` twin; `localized("name")` picks the member's language and
    falls back to English when the Chinese text is empty."""

    def localized(self, field: str) -> str:
        if is_chinese():
            value = getattr(self, f"{field}_zh", "")
            if value:
                return value
        return getattr(self, field)

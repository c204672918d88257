"""Pagination for long lists without COUNT(*) over the whole table.

Counting 100,000 topics on every list view costs more than showing them; members page
through "newer/older" anyway (as on Discourse), so lists fetch one row more than they
show to know whether there is a next page.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class SeekPage:
    paginator = None  # templates show "Page N" without a total

    def __init__(self, rows: list, number: int, per_page: int):
        self.number = number
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)


def page_without_count(queryset, page: str | int | None, per_page: int, max_page: int = 500) -> SeekPage:
    try:
        number = min(max(1, int(page or 1)), max_page)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    return SeekPage(list(queryset[start : start + per_page + 1]), number, per_page)


class KnownCountPaginator(Paginator):
    """A paginator for a list whose size is kept denormalised (a topic's reply count)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

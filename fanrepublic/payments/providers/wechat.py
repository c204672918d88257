"""WeChat Pay API v3 through the maintained SDK `wechatpayv3`: Native payments (the member
scans a QR code), signed and encrypted notifications, query, close, refund and the daily
trade bill; and payouts to a member's WeChat balance through 商家转账 (the 2025 transfer
API, /v3/fund-app/mch-transfer/transfer-bills), where the member confirms receipt in
WeChat unless the merchant's account was exempted.

The SDK runs in public-key mode (WECHATPAY_PUBLIC_KEY and its id, from the merchant
console): it never downloads platform certificates, and a notification signed under any
other key id is refused before the SDK is asked (otherwise the SDK would fetch
certificates for every forged serial number it is shown)."""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
import json
import time
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from wechatpayv3 import WeChatPay, WeChatPayType

from ..enums import NoticeOutcome
from ..money import yuan_text
from . import base
from .bills import wechat_trade_bill_lines

CHINA = ZoneInfo("Asia/Shanghai")

TRADE_STATES = {
    "SUCCESS": base.TRADE_PAID,
    "REFUND": base.TRADE_PAID,  # paid, then (part) refunded: the refund is its own record
    "NOTPAY": base.TRADE_WAITING,
    "USERPAYING": base.TRADE_WAITING,
    "CLOSED": base.TRADE_CLOSED,
    "REVOKED": base.TRADE_CLOSED,
    "PAYERROR": base.TRADE_CLOSED,
}
# 商家转账's bill states (pay.weixin.qq.com/doc/v3/merchant/4012716434 and the query by
# out_bill_no): only SUCCESS, FAIL and CANCELLED are final. WAIT_USER_CONFIRM waits for
# the member to confirm receipt in WeChat (CANCELLED if they do not within 24 hours);
# ACCEPTED, PROCESSING, TRANSFERING and CANCELING are on their way. A state WeChat adds
# later is taken as not final, so it is asked about again rather than settled.
TRANSFER_STATES = {
    "SUCCESS": base.TRANSFER_DONE,
    "FAIL": base.TRANSFER_FAILED,
    "CANCELLED": base.TRANSFER_FAILED,
}
# The report fields (转账场景报备信息) WeChat requires for a scene, in its exact words;
# the member sees user_recv_perception as the reason they are paid.
SCENE_REPORTS = {"1005": ("岗位类型", "报酬说明")}
SCENE_PERCEPTION = {"1005": "劳务报酬"}

REFUND_STATES = {
    "SUCCESS": base.REFUND_DONE,
    "PROCESSING": base.REFUND_PROCESSING,
    "CLOSED": base.REFUND_FAILED,
    "ABNORMAL": base.REFUND_ABNORMAL,
}


def _time(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


@functools.cache
def _client(config: tuple) -> WeChatPay:
    mchid, appid, serial, private_key, apiv3_key, public_key, public_key_id, notify_url, base_url, timeout = (
        config
    )
    client = WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=mchid,
        private_key=private_key,
        cert_serial_no=serial,
        appid=appid,
        apiv3_key=apiv3_key,
        notify_url=notify_url,
        public_key=public_key,
        public_key_id=public_key_id,
        timeout=(timeout, timeout),
    )
    # The SDK has no setting for its gateway; tests and staging point it at a stand-in.
    client._core._gate_way = base_url.rstrip("/")
    return client


class WeChatPayProvider(base.Provider):
    code = "wechat"

    def __init__(self):
        from .addresses import notify_url

        self.mchid = settings.WECHATPAY_MCHID
        self.appid = settings.WECHATPAY_APPID
        self.public_key_id = settings.WECHATPAY_PUBLIC_KEY_ID
        self.client = _client(
            (
                settings.WECHATPAY_MCHID,
                settings.WECHATPAY_APPID,
                settings.WECHATPAY_CERT_SERIAL_NO,
                settings.WECHATPAY_PRIVATE_KEY,
                settings.WECHATPAY_APIV3_KEY,
                settings.WECHATPAY_PUBLIC_KEY,
                settings.WECHATPAY_PUBLIC_KEY_ID,
                notify_url(self.code),
                settings.WECHATPAY_API_BASE,
                settings.PAYMENTS_HTTP_TIMEOUT,
            )
        )

    def _call(self, method, *args, **kwargs) -> tuple[int, dict]:
        try:
            code, message = method(*args, **kwargs)
        except requests.RequestException as exc:
            raise base.ProviderError(f"WeChat Pay unreachable: {exc.__class__.__name__}") from exc
        except Exception as exc:  # the SDK raises bare Exception for a bad response signature
            raise base.ProviderError(f"WeChat Pay: {exc}") from exc
        if isinstance(message, bytes):
            return code, {"_content": message}
        try:
            data = json.loads(message) if message else {}
        except ValueError as exc:
            raise base.ProviderError("WeChat Pay answered something that is not JSON") from exc
        return code, data

    def create(self, payment, *, description: str) -> base.Checkout:
        expire = payment.expires_at.astimezone(CHINA).isoformat(timespec="seconds")
        code, data = self._call(
            self.client.pay,
            description=description[:127],
            out_trade_no=payment.reference,
            amount={"total": payment.amount_fen, "currency": "CNY"},
            time_expire=expire,
            pay_type=WeChatPayType.NATIVE,
        )
        if code != 200 or not str(data.get("code_url", "")).startswith("weixin://"):
            raise base.ProviderError(f"WeChat Pay refused the order: {code} {data.get('code', '')}")
        return base.Checkout(url=data["code_url"], scan=True)

    # Notifications --------------------------------------------------------------------

    def read_notice(self, *, headers, body: bytes, params: dict) -> base.Notice:
        marks = ("Signature", "Timestamp", "Nonce", "Serial", "Signature-Type")
        signed = {f"Wechatpay-{mark}": headers.get(f"Wechatpay-{mark}", "") for mark in marks}
        if signed["Wechatpay-Serial"] != self.public_key_id:
            raise base.NoticeRefused(NoticeOutcome.FORGED, "signed under an unknown key")
        timestamp = signed["Wechatpay-Timestamp"]
        if not (timestamp.isascii() and timestamp.isdecimal() and len(timestamp) <= 12):
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, "no timestamp")
        if abs(time.time() - int(timestamp)) > settings.PAYMENTS_NOTICE_WINDOW_SECONDS:
            # The signature covers the timestamp, so an old notification sent again
            # cannot be refreshed: it is a replay (WeChat's own retries are signed anew).
            raise base.NoticeRefused(NoticeOutcome.REPLAYED, "timestamp outside the window")
        try:
            text = body.decode("utf-8")
            data = self.client.callback(signed, text)
        except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, exc.__class__.__name__) from exc
        except Exception as exc:  # the SDK's bare Exception: an algorithm it does not know
            # A fixed text: the SDK's message repeats what the sender wrote in a header.
            raise base.NoticeRefused(
                NoticeOutcome.MALFORMED, "signature type or algorithm not supported"
            ) from exc
        if not data:
            raise base.NoticeRefused(NoticeOutcome.FORGED, "signature or ciphertext does not verify")
        resource = data.get("resource")
        notice_id = str(data.get("id", ""))[:64]
        event = str(data.get("event_type", ""))[:40]
        if not isinstance(resource, dict) or not notice_id:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, "no resource")
        # Payments name the merchant "mchid", transfers "mch_id".
        if str(resource.get("mchid", resource.get("mch_id", self.mchid))) != self.mchid:
            raise base.NoticeRefused(NoticeOutcome.FORGED, "for another merchant")
        try:
            if event.startswith("TRANSACTION."):
                return base.Notice(notice_id=notice_id, kind=event, trade=self._trade(resource))
            if event.startswith("REFUND."):
                return base.Notice(notice_id=notice_id, kind=event, refund=self._refund(resource))
            if event == "MCHTRANSFER.BILL.FINISHED":  # a transfer to a member reached a final state
                return base.Notice(notice_id=notice_id, kind=event, transfer=self._transfer_notice(resource))
        except (KeyError, TypeError, ValueError) as exc:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, f"resource: {exc.__class__.__name__}") from exc
        raise base.NoticeRefused(NoticeOutcome.MALFORMED, f"event {event!r}")

    def acknowledge(self, ok: bool):
        if ok:
            return HttpResponse(status=204)
        return JsonResponse({"code": "FAIL", "message": "refused"}, status=400)

    def _trade(self, data: dict) -> base.TradeState:
        amount = data.get("amount") or {}
        total = amount.get("total")
        if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
            raise ValueError("amount.total is not a whole number of fen")
        if amount.get("currency", "CNY") != "CNY":
            raise ValueError("not yuan")
        return base.TradeState(
            reference=str(data["out_trade_no"])[:32],
            state=TRADE_STATES.get(data.get("trade_state", ""), base.TRADE_WAITING),
            trade_no=str(data.get("transaction_id", ""))[:64],
            amount_fen=total,
            paid_at=_time(data.get("success_time")),
        )

    def _refund(self, data: dict) -> base.RefundState:
        amount = data.get("amount") or {}
        refund = amount.get("refund")
        if refund is not None and (not isinstance(refund, int) or isinstance(refund, bool)):
            raise ValueError("amount.refund is not a whole number of fen")
        status = data.get("refund_status") or data.get("status") or ""
        return base.RefundState(
            reference=str(data["out_refund_no"])[:40],
            state=REFUND_STATES.get(status, base.REFUND_PROCESSING),
            refund_no=str(data.get("refund_id", ""))[:64],
            amount_fen=refund,
        )

    # Asking ---------------------------------------------------------------------------

    def query(self, payment) -> base.TradeState:
        code, data = self._call(self.client.query, out_trade_no=payment.reference)
        if code == 404 or data.get("code") == "ORDER_NOT_EXIST":
            return base.TradeState(reference=payment.reference, state=base.TRADE_UNKNOWN)
        if code != 200:
            raise base.ProviderError(f"WeChat Pay query: {code} {data.get('code', '')}")
        try:
            return self._trade(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise base.ProviderError("WeChat Pay query: unreadable answer") from exc

    def close(self, payment) -> None:
        code, data = self._call(self.client.close, out_trade_no=payment.reference)
        if code not in (200, 204) and data.get("code") != "ORDER_CLOSED":
            raise base.ProviderError(f"WeChat Pay close: {code} {data.get('code', '')}")

    def refund(self, refund) -> base.RefundState:
        code, data = self._call(
            self.client.refund,
            out_refund_no=refund.reference,
            amount={"refund": refund.amount_fen, "total": refund.payment.amount_fen, "currency": "CNY"},
            out_trade_no=refund.payment.reference,
            reason=refund.reason[:80],
        )
        if code != 200:
            raise base.ProviderError(f"WeChat Pay refund: {code} {data.get('code', '')}")
        data.setdefault("out_refund_no", refund.reference)
        return self._refund(data)

    def query_refund(self, refund) -> base.RefundState:
        code, data = self._call(self.client.query_refund, out_refund_no=refund.reference)
        if code == 404 or data.get("code") == "RESOURCE_NOT_EXISTS":
            return base.RefundState(reference=refund.reference, state=base.REFUND_UNKNOWN)
        if code != 200:
            raise base.ProviderError(f"WeChat Pay refund query: {code} {data.get('code', '')}")
        return self._refund(data)

    # Payouts ----------------------------------------------------------------------------

    minimum_transfer_fen = 30  # 0.30 yuan: 商家转账's smallest transfer

    @classmethod
    def payouts_configured(cls) -> bool:
        return bool(settings.WECHATPAY_TRANSFER_SCENE_ID and settings.WECHAT_OAUTH_APP_SECRET)

    def _transfer_fields(self, payout) -> dict:
        # Everything sent is a function of the payout as stored, so a transfer sent again
        # carries the same fields: WeChat refuses one number with different fields.
        scene = settings.WECHATPAY_TRANSFER_SCENE_ID
        reports = []
        if scene in SCENE_REPORTS:
            position, pay_note = SCENE_REPORTS[scene]
            reports = [
                {"info_type": position, "info_content": settings.PAYOUT_WECHAT_POSITION[:32]},
                {
                    "info_type": pay_note,
                    "info_content": f"创作收益提现 {yuan_text(payout.amount_fen)} 元"[:32],
                },
            ]
        return {
            "out_bill_no": payout.reference,
            "transfer_scene_id": scene,
            "openid": payout.payee_identifier,
            "transfer_amount": payout.amount_fen,
            "transfer_remark": f"{settings.SITE_NAME[:20]} 收益提现"[:32],
            # Encrypted by the SDK with WeChat Pay's public key; WeChat checks it against
            # the account's real name (required from 2,000 yuan).
            "user_name": payout.payee_name or None,
            "user_recv_perception": SCENE_PERCEPTION.get(scene),
            "transfer_scene_report_infos": reports,
        }

    def _transfer_state(self, payout, data: dict) -> base.TransferState:
        if str(data.get("out_bill_no", payout.reference)) != payout.reference:
            raise base.ProviderError("WeChat Pay answered for another transfer")
        amount = data.get("transfer_amount")
        if amount is not None and (
            not isinstance(amount, int) or isinstance(amount, bool) or amount != payout.amount_fen
        ):
            raise base.ProviderError(f"WeChat Pay reports {amount!r} fen, not {payout.amount_fen}")
        raw = str(data.get("state", ""))[:24]
        if not raw:
            raise base.ProviderError("WeChat Pay's answer has no state")
        state = TRANSFER_STATES.get(raw, base.TRANSFER_PROCESSING)
        reason = ""
        if state == base.TRANSFER_FAILED:
            reason = str(data.get("fail_reason") or raw)[:64]
        return base.TransferState(
            reference=payout.reference,
            state=state,
            transfer_no=str(data.get("transfer_bill_no", ""))[:64],
            reason=reason,
            provider_state=raw,
            package_info=str(data.get("package_info", ""))[:2000] if raw == "WAIT_USER_CONFIRM" else "",
            amount_fen=amount,
        )

    def transfer(self, payout) -> base.TransferState:
        code, data = self._call(self.client.mch_transfer_bills, **self._transfer_fields(payout))
        if code != 200:
            # WeChat: an answer other than 200 says nothing of the bill; never change the
            # number — ask about it, and send it again under the same one.
            raise base.ProviderError(f"WeChat Pay transfer: {code} {data.get('code', '')}")
        return self._transfer_state(payout, data)

    def query_transfer(self, payout) -> base.TransferState:
        code, data = self._call(self.client.mch_transfer_bills_query, out_bill_no=payout.reference)
        if code == 404 or data.get("code") == "NOT_FOUND":
            return base.TransferState(reference=payout.reference, state=base.TRANSFER_UNKNOWN)
        if code != 200:
            raise base.ProviderError(f"WeChat Pay transfer query: {code} {data.get('code', '')}")
        return self._transfer_state(payout, data)

    def _transfer_notice(self, data: dict) -> base.TransferState:
        reference = str(data["out_bill_no"])[:32]
        amount = data.get("transfer_amount")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
            raise ValueError("transfer_amount is not a whole number of fen")
        raw = str(data.get("state", ""))[:24]
        state = TRANSFER_STATES.get(raw, base.TRANSFER_PROCESSING)
        return base.TransferState(
            reference=reference,
            state=state,
            transfer_no=str(data.get("transfer_bill_no", ""))[:64],
            reason=str(data.get("fail_reason") or raw)[:64] if state == base.TRANSFER_FAILED else "",
            provider_state=raw,
            amount_fen=amount,
        )

    def daily_bill(self, day: datetime.date) -> list[base.BillLine]:
        code, data = self._call(self.client.trade_bill, bill_date=day.isoformat())
        if code == 400 and data.get("code") == "NO_STATEMENT_EXIST":
            return []
        if code != 200 or "download_url" not in data:
            raise base.ProviderError(f"WeChat Pay bill: {code} {data.get('code', '')}")
        code, content = self._call(self.client.download_bill, data["download_url"])
        raw = content.get("_content", b"")
        if code != 200 or not raw:
            raise base.ProviderError(f"WeChat Pay bill download: {code}")
        expected = str(data.get("hash_value", "")).lower()
        if (
            data.get("hash_type", "SHA1") != "SHA1"
            or hashlib.sha1(raw, usedforsecurity=False).hexdigest() != expected
        ):
            raise base.ProviderError("WeChat Pay bill: the file does not match its hash")
        try:
            text = gzip.decompress(raw).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise base.ProviderError("WeChat Pay bill: not a gzip of UTF-8 text") from exc
        return wechat_trade_bill_lines(text)

"""Alipay through the maintained SDK `python-alipay-sdk` (RSA2): the computer-site cashier
(alipay.trade.page.pay), signed asynchronous notifications, trade query, close, refund,
refund query and the daily trade bill (alipay.data.dataservice.bill.downloadurl.query);
and payouts to a member's Alipay account (alipay.fund.trans.uni.transfer, product
TRANS_ACCOUNT_NO_PWD, asked about with alipay.fund.trans.common.query). Alipay takes
transfers only from an application in public-key-certificate mode, so they go through
the SDK's DCAliPay with the PAYOUT_ALIPAY_* certificates.

Alipay retries a notification for about 25 hours, signing each sending with its own
notify_time, so a notification older than PAYMENTS_ALIPAY_NOTICE_MAX_AGE is a replay."""

from __future__ import annotations

import datetime
import functools
import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from alipay import AliPay, DCAliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from ..enums import NoticeOutcome
from ..money import yuan_text, yuan_to_fen
from . import base
from .bills import alipay_trade_bill_lines

CHINA = ZoneInfo("Asia/Shanghai")
OK = "10000"
TRADE_STATES = {
    "TRADE_SUCCESS": base.TRADE_PAID,
    "TRADE_FINISHED": base.TRADE_PAID,
    "WAIT_BUYER_PAY": base.TRADE_WAITING,
    "TRADE_CLOSED": base.TRADE_CLOSED,
}
# Refusals that retrying will not change: the refund will not happen.
FINAL_REFUND_REFUSALS = {
    "ACQ.TRADE_NOT_EXIST",
    "ACQ.TRADE_STATUS_ERROR",
    "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
    "ACQ.TRADE_HAS_CLOSE",
    "ACQ.REFUND_FEE_ERROR",
}
NETWORK_ERRORS = (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError)
TRANSFER_PRODUCT = "TRANS_ACCOUNT_NO_PWD"
TRANSFER_SCENE = "DIRECT_TRANSFER"
# alipay.fund.trans.uni.transfer's states for this product: SUCCESS, DEALING, FAIL and
# REFUND (returned by the receiving side after success). DEALING is not final.
TRANSFER_STATES = {
    "SUCCESS": base.TRANSFER_DONE,
    "FAIL": base.TRANSFER_FAILED,
    "REFUND": base.TRANSFER_FAILED,
    "DEALING": base.TRANSFER_PROCESSING,
    "WAIT_PAY": base.TRANSFER_PROCESSING,
}
# Refusals of a transfer about the payee that Alipay makes before it creates the transfer
# (so no money left, and sending the same one again would be refused again): the member
# corrects the account. Anything else (SYSTEM_ERROR, the merchant's balance…) is sent
# again under the same out_biz_no, which Alipay treats as the same transfer.
FINAL_TRANSFER_REFUSALS = {
    "PAYEE_NOT_EXIST",
    "PAYEE_USER_INFO_ERROR",
    "PAYEE_ACCOUNT_STATUS_ERROR",
    "PAYEE_USERINFO_STATUS_ERROR",
    "PAYEE_NOT_RELNAME_CERTIFY",
    "PAYEE_CERT_INFO_ERROR",
    "PAYEE_ACC_OCUPIED",
    "PAYEE_TRUSTEESHIP_ACC_OVER_LIMIT",
    "PERMIT_CHECK_PERM_IDENTITY_THEFT",
    "EXCEED_LIMIT_PERSONAL_SM_AMOUNT",
    "EXCEED_LIMIT_UNRN_DM_AMOUNT",
}
TRANSFER_NOT_FOUND = {"ORDER_NOT_EXIST", "ORDER_NOT_EXISTS"}


def _china_time(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None


@functools.cache
def _client(config: tuple) -> AliPay:
    appid, private_key, public_key, notify_url, gateway, timeout = config
    client = AliPay(
        appid=appid,
        app_notify_url=notify_url,
        app_private_key_string=private_key,
        alipay_public_key_string=public_key,
        sign_type="RSA2",
    )
    client._config.timeout = timeout
    # The SDK knows only the production and sandbox gateways; tests point it at a stand-in.
    client._gateway = gateway
    return client


@functools.cache
def _transfer_client(config: tuple) -> DCAliPay:
    appid, private_key, app_cert, alipay_cert, root_cert, gateway, timeout = config
    client = DCAliPay(
        appid=appid,
        app_private_key_string=private_key,
        app_public_key_cert_string=app_cert,
        alipay_public_key_cert_string=alipay_cert,
        alipay_root_cert_string=root_cert,
        sign_type="RSA2",
    )
    client._config.timeout = timeout
    client._gateway = gateway
    return client


class AlipayProvider(base.Provider):
    code = "alipay"

    def __init__(self):
        from .addresses import notify_url

        self.appid = settings.ALIPAY_APPID
        self.gateway = settings.ALIPAY_GATEWAY
        self.timeout = settings.PAYMENTS_HTTP_TIMEOUT
        self.client = _client(
            (
                settings.ALIPAY_APPID,
                settings.ALIPAY_APP_PRIVATE_KEY,
                settings.ALIPAY_PUBLIC_KEY,
                notify_url(self.code),
                settings.ALIPAY_GATEWAY,
                settings.PAYMENTS_HTTP_TIMEOUT,
            )
        )

    def _call(self, method, *args, **kwargs) -> dict:
        try:
            answer = method(*args, **kwargs)
        except AliPayValidationError as exc:
            raise base.ProviderError("Alipay: the answer's signature does not verify") from exc
        except AliPayException as exc:
            raise base.ProviderError(f"Alipay refused: {str(exc)[:120]}") from exc
        except NETWORK_ERRORS as exc:
            raise base.ProviderError(f"Alipay unreachable: {exc.__class__.__name__}") from exc
        except (ValueError, KeyError) as exc:
            raise base.ProviderError("Alipay answered something unreadable") from exc
        if not isinstance(answer, dict):
            raise base.ProviderError("Alipay answered something unreadable")
        return answer

    def create(self, payment, *, description: str) -> base.Checkout:
        from .addresses import absolute

        expire = payment.expires_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")
        signed = self.client.api_alipay_trade_page_pay(
            subject=description[:120],
            out_trade_no=payment.reference,
            total_amount=yuan_text(payment.amount_fen),
            return_url=absolute(payment.get_absolute_url()),
            time_expire=expire,
        )
        return base.Checkout(url=f"{self.gateway}?{signed}")

    # Notifications --------------------------------------------------------------------

    def read_notice(self, *, headers, body: bytes, params: dict) -> base.Notice:
        try:
            data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError as exc:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, "not UTF-8") from exc
        signature = data.pop("sign", "")
        if not signature or not data.get("notify_id"):
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, "no signature or id")
        if data.get("sign_type", "RSA2") != "RSA2":
            raise base.NoticeRefused(NoticeOutcome.FORGED, "not RSA2")
        try:
            verified = self.client.verify(dict(data), signature)
        except (ValueError, TypeError, IndexError, AliPayException) as exc:
            raise base.NoticeRefused(NoticeOutcome.FORGED, f"signature: {exc.__class__.__name__}") from exc
        if not verified:
            raise base.NoticeRefused(NoticeOutcome.FORGED, "signature does not verify")
        if data.get("app_id") != self.appid:
            raise base.NoticeRefused(NoticeOutcome.FORGED, "for another app")
        sent = _china_time(data.get("notify_time"))
        if sent is None:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, "no notify_time")
        age = (timezone.now() - sent).total_seconds()
        if age > settings.PAYMENTS_ALIPAY_NOTICE_MAX_AGE or age < -settings.PAYMENTS_NOTICE_WINDOW_SECONDS:
            raise base.NoticeRefused(NoticeOutcome.REPLAYED, "notify_time outside the window")
        notice_id = data["notify_id"][:64]
        try:
            reference = data["out_trade_no"][:32]
            if data.get("out_biz_no") and data.get("refund_fee"):
                # A refund's notification (a full refund also closes the trade).
                return base.Notice(
                    notice_id=notice_id,
                    kind="refund",
                    refund=base.RefundState(reference=data["out_biz_no"][:40], state=base.REFUND_DONE),
                )
            trade = base.TradeState(
                reference=reference,
                state=TRADE_STATES.get(data.get("trade_status", ""), base.TRADE_WAITING),
                trade_no=data.get("trade_no", "")[:64],
                amount_fen=yuan_to_fen(data["total_amount"]),
                paid_at=_china_time(data.get("gmt_payment")),
            )
        except (KeyError, ValueError) as exc:
            raise base.NoticeRefused(NoticeOutcome.MALFORMED, f"fields: {exc.__class__.__name__}") from exc
        return base.Notice(notice_id=notice_id, kind=data.get("trade_status", "")[:40], trade=trade)

    def acknowledge(self, ok: bool):
        return HttpResponse("success" if ok else "failure", content_type="text/plain")

    # Asking ---------------------------------------------------------------------------

    def query(self, payment) -> base.TradeState:
        data = self._call(self.client.api_alipay_trade_query, out_trade_no=payment.reference)
        if data.get("code") != OK:
            if data.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
                return base.TradeState(reference=payment.reference, state=base.TRADE_UNKNOWN)
            raise base.ProviderError(f"Alipay query: {data.get('code')} {data.get('sub_code', '')}")
        try:
            return base.TradeState(
                reference=payment.reference,
                state=TRADE_STATES.get(data.get("trade_status", ""), base.TRADE_WAITING),
                trade_no=str(data.get("trade_no", ""))[:64],
                amount_fen=yuan_to_fen(data["total_amount"]),
                paid_at=_china_time(data.get("send_pay_date")),
            )
        except (KeyError, ValueError) as exc:
            raise base.ProviderError("Alipay query: unreadable answer") from exc

    def close(self, payment) -> None:
        data = self._call(self.client.api_alipay_trade_close, out_trade_no=payment.reference)
        if data.get("code") != OK and data.get("sub_code") != "ACQ.TRADE_NOT_EXIST":
            raise base.ProviderError(f"Alipay close: {data.get('code')} {data.get('sub_code', '')}")

    def refund(self, refund) -> base.RefundState:
        data = self._call(
            self.client.api_alipay_trade_refund,
            refund_amount=yuan_text(refund.amount_fen),
            out_trade_no=refund.payment.reference,
            out_request_no=refund.reference,
            refund_reason=refund.reason[:80],
        )
        if data.get("code") == OK and data.get("fund_change") != "Y":
            # 10000 without money moving: a repeat of a refund made before, or one Alipay
            # has not completed — its refund query says which.
            return self.query_refund(refund)
        if data.get("code") == OK:
            return base.RefundState(
                reference=refund.reference,
                state=base.REFUND_DONE,
                refund_no=str(data.get("trade_no", ""))[:64],
            )
        if data.get("sub_code") in FINAL_REFUND_REFUSALS:
            return base.RefundState(reference=refund.reference, state=base.REFUND_FAILED)
        raise base.ProviderError(f"Alipay refund: {data.get('code')} {data.get('sub_code', '')}")

    def query_refund(self, refund) -> base.RefundState:
        data = self._call(
            self.client.api_alipay_trade_fastpay_refund_query,
            out_request_no=refund.reference,
            out_trade_no=refund.payment.reference,
        )
        if data.get("code") != OK:
            raise base.ProviderError(f"Alipay refund query: {data.get('code')} {data.get('sub_code', '')}")
        if data.get("refund_status") == "REFUND_SUCCESS" or (
            "refund_status" not in data and data.get("refund_amount")
        ):
            return base.RefundState(reference=refund.reference, state=base.REFUND_DONE)
        if not data.get("refund_amount"):
            return base.RefundState(reference=refund.reference, state=base.REFUND_UNKNOWN)
        return base.RefundState(reference=refund.reference, state=base.REFUND_PROCESSING)

    # Payouts ----------------------------------------------------------------------------

    minimum_transfer_fen = 10  # 0.10 yuan: TRANS_ACCOUNT_NO_PWD's smallest transfer

    @classmethod
    def payouts_configured(cls) -> bool:
        return bool(
            settings.PAYOUT_ALIPAY_APP_CERT
            and settings.PAYOUT_ALIPAY_PUBLIC_CERT
            and settings.PAYOUT_ALIPAY_ROOT_CERT
        )

    def _transfers(self) -> DCAliPay:
        if not self.payouts_configured():
            raise base.ProviderError("Alipay payouts need the PAYOUT_ALIPAY_* certificates")
        try:
            return _transfer_client(
                (
                    settings.PAYOUT_ALIPAY_APPID or settings.ALIPAY_APPID,
                    settings.PAYOUT_ALIPAY_APP_PRIVATE_KEY or settings.ALIPAY_APP_PRIVATE_KEY,
                    settings.PAYOUT_ALIPAY_APP_CERT,
                    settings.PAYOUT_ALIPAY_PUBLIC_CERT,
                    settings.PAYOUT_ALIPAY_ROOT_CERT,
                    settings.ALIPAY_GATEWAY,
                    settings.PAYMENTS_HTTP_TIMEOUT,
                )
            )
        except Exception as exc:  # a certificate or key that cannot be read
            raise base.ProviderError(
                f"Alipay payouts: the certificates cannot be read ({exc.__class__.__name__})"
            ) from exc

    def _transfer_state(self, payout, data: dict) -> base.TransferState:
        if str(data.get("out_biz_no", payout.reference)) != payout.reference:
            raise base.ProviderError("Alipay answered for another transfer")
        amount = None
        if data.get("trans_amount") not in (None, ""):
            try:
                amount = yuan_to_fen(data["trans_amount"])
            except ValueError as exc:
                raise base.ProviderError("Alipay transfer: unreadable amount") from exc
            if amount != payout.amount_fen:
                raise base.ProviderError(f"Alipay reports {amount} fen, not {payout.amount_fen}")
        raw = str(data.get("status", ""))[:24]
        if not raw:
            raise base.ProviderError("Alipay's answer has no status")
        state = TRANSFER_STATES.get(raw, base.TRANSFER_PROCESSING)
        return base.TransferState(
            reference=payout.reference,
            state=state,
            transfer_no=str(data.get("order_id", ""))[:64],
            reason=str(data.get("error_code") or raw)[:64] if state == base.TRANSFER_FAILED else "",
            provider_state=raw,
            amount_fen=amount,
        )

    def transfer(self, payout) -> base.TransferState:
        # Every field is a function of the payout as stored: sent again, it is the same
        # transfer to Alipay.
        data = self._call(
            self._transfers().api_alipay_fund_trans_uni_transfer,
            out_biz_no=payout.reference,
            identity_type="ALIPAY_LOGON_ID",
            identity=payout.payee_identifier,
            trans_amount=yuan_text(payout.amount_fen),
            name=payout.payee_name,
            order_title=f"{settings.SITE_NAME[:20]} 收益提现",
            remark=f"{settings.SITE_NAME[:20]} 收益提现",
        )
        if data.get("code") == OK:
            return self._transfer_state(payout, data)
        if data.get("sub_code") in FINAL_TRANSFER_REFUSALS:
            return base.TransferState(
                reference=payout.reference,
                state=base.TRANSFER_FAILED,
                reason=str(data["sub_code"])[:64],
                provider_state=str(data["sub_code"])[:24],
            )
        raise base.ProviderError(f"Alipay transfer: {data.get('code')} {data.get('sub_code', '')}")

    def query_transfer(self, payout) -> base.TransferState:
        data = self._call(
            self._transfers().server_api,
            "alipay.fund.trans.common.query",
            biz_content={
                "out_biz_no": payout.reference,
                "product_code": TRANSFER_PRODUCT,
                "biz_scene": TRANSFER_SCENE,
            },
        )
        if data.get("code") != OK:
            if data.get("sub_code") in TRANSFER_NOT_FOUND:
                return base.TransferState(reference=payout.reference, state=base.TRANSFER_UNKNOWN)
            raise base.ProviderError(f"Alipay transfer query: {data.get('code')} {data.get('sub_code', '')}")
        return self._transfer_state(payout, data)

    def daily_bill(self, day: datetime.date) -> list[base.BillLine]:
        data = self._call(
            self.client.server_api,
            "alipay.data.dataservice.bill.downloadurl.query",
            biz_content={"bill_type": "trade", "bill_date": day.isoformat()},
        )
        if data.get("code") != OK:
            if data.get("sub_code") == "isp.bill_not_exist":
                return []
            raise base.ProviderError(f"Alipay bill: {data.get('code')} {data.get('sub_code', '')}")
        url = str(data.get("bill_download_url", ""))
        if not url.startswith(("https://", "http://")):
            raise base.ProviderError("Alipay bill: no download address")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as answer:  # noqa: S310 (checked scheme)
                archive = answer.read(200 * 1024 * 1024 + 1)
        except NETWORK_ERRORS as exc:
            raise base.ProviderError(f"Alipay bill download: {exc.__class__.__name__}") from exc
        return alipay_trade_bill_lines(archive)

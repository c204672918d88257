"""A stand-in for Alipay's open API gateway on 127.0.0.1, speaking its protocol.

Requests are GETs of gateway.do with the application's RSA2 signature over the sorted
parameters (checked with the app's public key); answers are JSON whose
"<method>_response" object is signed with Alipay's key, exactly as the gateway does.
The cashier (alipay.trade.page.pay) opens a trade; `pay` completes it and returns the
form-encoded, signed asynchronous notification Alipay posts. The trade bill is a zip of
a GBK CSV. Written from Alipay's documentation with `cryptography`, independently of
the SDK the platform uses.

Payouts: alipay.fund.trans.uni.transfer (TRANS_ACCOUNT_NO_PWD to an ALIPAY_LOGON_ID whose
real name it checks; one transfer per out_biz_no) and alipay.fund.trans.common.query.
Like Alipay, it takes these only in public-key-certificate mode: the request names the
application's certificate and Alipay's root certificate by their serials (app_cert_sn,
alipay_root_cert_sn), and the answer names Alipay's (alipay_cert_sn)."""

from __future__ import annotations

import base64
import csv
import datetime
import io
import json
import secrets
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256

from .keys import KeyPair, key_pair

CHINA = ZoneInfo("Asia/Shanghai")
BILL_COLUMNS = [
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "商品名称",
    "创建时间",
    "完成时间",
    "门店编号",
    "门店名称",
    "操作员",
    "终端号",
    "对方账户",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝红包（元）",
    "集分宝（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "券核销金额（元）",
    "券名称",
    "商家红包消费金额（元）",
    "卡消费金额（元）",
    "退款批次号/请求号",
    "服务费（元）",
    "分润（元）",
    "备注",
]


def now_text() -> str:
    return datetime.datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def to_fen(text: str) -> int:
    whole, _, part = text.partition(".")
    return int(whole) * 100 + int((part + "00")[:2])


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def signing_string(params: dict, *, request: bool = False) -> str:
    """Alipay's string to sign: the parameters sorted by name, "k=v" joined by "&", empty
    ones left out. A request signs sign_type too; a notification leaves it out."""
    dropped = ("sign",) if request else ("sign", "sign_type")
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in dropped and v != "")


class AlipayStandIn:
    def __init__(self, *, appid: str, app: KeyPair, alipay: KeyPair, certificates: dict | None = None):
        self.appid = appid
        self.app = app
        self.alipay = alipay
        self.certificates = certificates or {}
        # Payouts: accounts by login with the real name Alipay holds; transfers by
        # out_biz_no; the status a new transfer takes ("SUCCESS" or "DEALING").
        self.accounts: dict[str, str] = {}
        self.transfers: dict[str, dict] = {}
        self.transfer_answer = "SUCCESS"
        self._bad_signatures = 0
        self.trades: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[str] = []
        self.refused_signatures = 0
        self.bills: dict[str, bytes] = {}
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="alipay-standin", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def gateway(self) -> str:
        return self.base_url + "/gateway.do"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, n: int, status: int = 502):
        with self._lock:
            self._failures.extend([status] * n)

    def sign_badly_next(self, n: int):
        with self._lock:
            self._bad_signatures += n

    def transfer_finish(self, out_biz_no: str, status: str = "SUCCESS", error_code: str = "") -> None:
        with self._lock:
            order = self.transfers[out_biz_no]
            order["status"] = status
            order["error_code"] = error_code
            if status == "SUCCESS":
                order["pay_date"] = now_text()

    def sign(self, message: str, pair: KeyPair | None = None) -> str:
        return base64.b64encode(
            (pair or self.alipay).private.sign(message.encode(), PKCS1v15(), SHA256())
        ).decode()

    # The buyer -------------------------------------------------------------------------

    def open_cashier(self, url: str) -> dict:
        """The buyer's browser opens the cashier address the platform gave: a page-pay
        request, signed by the app (checked), which creates the trade."""
        params = dict(parse_qsl(urlsplit(url).query))
        if not self._verified(params):
            raise AssertionError("the cashier address is not signed by the app")
        assert params["method"] == "alipay.trade.page.pay"
        biz = json.loads(params["biz_content"])
        with self._lock:
            self.trades.setdefault(
                biz["out_trade_no"],
                {
                    "total_amount": biz["total_amount"],
                    "subject": biz["subject"],
                    "status": "WAIT_BUYER_PAY",
                    "trade_no": datetime.date.today().strftime("%Y%m%d") + "2200" + secrets.token_hex(8)[:14],
                    "notify_url": params.get("notify_url", ""),
                },
            )
        return biz

    def pay(self, reference: str, *, amount: str | None = None) -> dict:
        with self._lock:
            trade = self.trades[reference]
            trade["status"] = "TRADE_SUCCESS"
            trade["gmt_payment"] = now_text()
            if amount is not None:
                trade["total_amount"] = amount
        return self.notice(
            {
                "trade_status": "TRADE_SUCCESS",
                "out_trade_no": reference,
                "trade_no": trade["trade_no"],
                "total_amount": trade["total_amount"],
                "receipt_amount": trade["total_amount"],
                "gmt_payment": trade["gmt_payment"],
                "subject": trade["subject"],
            }
        )

    def refund_notice(self, request_no: str) -> dict:
        """The notification Alipay sends after a refund (a full refund closes the trade)."""
        refund = self.refunds[request_no]
        reference = refund["out_trade_no"]
        trade = self.trades[reference]
        full = to_fen(self._refunded(reference)) == to_fen(trade["total_amount"])
        return self.notice(
            {
                "trade_status": "TRADE_CLOSED" if full else "TRADE_SUCCESS",
                "out_trade_no": reference,
                "trade_no": trade["trade_no"],
                "total_amount": trade["total_amount"],
                "refund_fee": self._refunded(reference),
                "out_biz_no": request_no,
                "gmt_refund": refund["gmt_refund"] + ".000",
            }
        )

    def notice(
        self,
        fields: dict,
        *,
        notify_time: str | None = None,
        signer: KeyPair | None = None,
        app_id: str | None = None,
    ) -> dict:
        """A notification as Alipay posts it: the form fields, signed."""
        params = {
            "notify_time": notify_time or now_text(),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": app_id or self.appid,
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
            **fields,
        }
        params["sign"] = self.sign(signing_string(params), signer)
        return {"body": urlencode(params).encode(), "params": params}

    @staticmethod
    def deliver(client, url: str, notice: dict):
        return client.post(url, data=notice["body"], content_type="application/x-www-form-urlencoded")

    # The bill --------------------------------------------------------------------------

    def bill_zip(self, day: datetime.date) -> bytes:
        out = io.StringIO()
        out.write("#支付宝业务明细查询\n#账号：[20880000000000000156]\n")
        out.write(
            f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   "
            f"终止日期：[{day + datetime.timedelta(days=1):%Y年%m月%d日} 00:00:00]\n"
        )
        out.write(
            "#-----------------------------------------业务明细列表----------------------------------------\n"
        )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(BILL_COLUMNS)
        for reference, trade in self.trades.items():
            if trade.get("gmt_payment", "").startswith(day.isoformat()):
                row = dict.fromkeys(BILL_COLUMNS, "")
                row.update(
                    {
                        "支付宝交易号": trade["trade_no"] + "\t",
                        "商户订单号": reference + "\t",
                        "业务类型": "交易",
                        "商品名称": trade["subject"],
                        "订单金额（元）": trade["total_amount"],
                        "商家实收（元）": trade["total_amount"],
                        "完成时间": trade["gmt_payment"],
                    }
                )
                writer.writerow(row.values())
        for request_no, refund in self.refunds.items():
            if refund["gmt_refund"].startswith(day.isoformat()):
                trade = self.trades[refund["out_trade_no"]]
                row = dict.fromkeys(BILL_COLUMNS, "")
                row.update(
                    {
                        "支付宝交易号": trade["trade_no"] + "\t",
                        "商户订单号": refund["out_trade_no"] + "\t",
                        "业务类型": "退款",
                        "商品名称": trade["subject"],
                        "订单金额（元）": "-" + refund["refund_amount"],
                        "商家实收（元）": "-" + refund["refund_amount"],
                        "退款批次号/请求号": request_no + "\t",
                        "完成时间": refund["gmt_refund"],
                    }
                )
                writer.writerow(row.values())
        out.write(
            "#-----------------------------------------业务明细列表结束------------------------------------\n"
        )
        out.write("#交易合计：0笔，退款合计：0笔\n")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr(f"20880000000000000156_{day:%Y%m%d}_业务明细.csv", out.getvalue().encode("gbk"))
            zipped.writestr(f"20880000000000000156_{day:%Y%m%d}_业务明细(汇总).csv", "#汇总\n".encode("gbk"))
        return archive.getvalue()

    # What the gateway answers ------------------------------------------------------------

    def _verified(self, params: dict) -> bool:
        try:
            self.app.public.verify(
                base64.b64decode(params.get("sign", "")),
                signing_string(params, request=True).encode(),
                PKCS1v15(),
                SHA256(),
            )
        except (InvalidSignature, ValueError):
            return False
        return params.get("app_id") == self.appid and params.get("sign_type") == "RSA2"

    def answer(self, target: str) -> tuple[int, str, str]:
        with self._lock:
            self.requests.append(target)
            if self._failures:
                return self._failures.pop(0), "text/html", "<html>bad gateway</html>"
            path = urlsplit(target).path
            if path.startswith("/bill/"):
                token = path.removeprefix("/bill/")
                if token not in self.bills:
                    return 404, "text/plain", "no such bill"
                return 200, "application/zip", self.bills[token]
            params = dict(parse_qsl(urlsplit(target).query))
            method = params.get("method", "")
            response_type = method.replace(".", "_") + "_response"
            if not self._verified(params):
                self.refused_signatures += 1
                body = json.dumps(
                    {
                        "error_response": {
                            "code": "40002",
                            "msg": "Invalid Arguments",
                            "sub_code": "isv.invalid-signature",
                            "sub_msg": "验签出错",
                        }
                    },
                    ensure_ascii=False,
                )
                return 200, "application/json", body
            biz = json.loads(params.get("biz_content") or "{}")
            fund = method.startswith("alipay.fund.")
            if fund and not self._certificate_mode(params):
                inner = {
                    "code": "40002",
                    "msg": "Invalid Arguments",
                    "sub_code": "isv.missing-app-cert-sn",
                    "sub_msg": "资金类接口须使用公钥证书模式",
                }
                return 200, "application/json;charset=utf-8", self._signed_body(response_type, inner, fund)
            handler = {
                "alipay.fund.trans.uni.transfer": self._uni_transfer,
                "alipay.fund.trans.common.query": self._transfer_query,
                "alipay.trade.query": self._query,
                "alipay.trade.close": self._close,
                "alipay.trade.refund": self._refund,
                "alipay.trade.fastpay.refund.query": self._refund_query,
                "alipay.data.dataservice.bill.downloadurl.query": self._bill_url,
            }.get(method)
            inner = (
                handler(biz)
                if handler
                else {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"}
            )
            return 200, "application/json;charset=utf-8", self._signed_body(response_type, inner, fund)

    def _signed_body(self, response_type: str, inner: dict, fund: bool) -> str:
        text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
        forged = self._bad_signatures > 0
        self._bad_signatures -= 1 if forged else 0
        signature = self.sign(text, key_pair("stranger") if forged else None)
        cert = f',"alipay_cert_sn":"{self.certificates.get("alipay_cert_sn", "")}"' if fund else ""
        return '{"' + response_type + '":' + text + cert + ',"sign":"' + signature + '"}'

    def _certificate_mode(self, params: dict) -> bool:
        return bool(self.certificates) and (
            params.get("app_cert_sn") == self.certificates["app_cert_sn"]
            and params.get("alipay_root_cert_sn") == self.certificates["root_cert_sn"]
        )

    # Payouts ----------------------------------------------------------------------------

    @staticmethod
    def _failed(sub_code: str, sub_msg: str) -> dict:
        return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}

    def _uni_transfer(self, biz: dict) -> dict:
        if biz.get("product_code") != "TRANS_ACCOUNT_NO_PWD" or biz.get("biz_scene") != "DIRECT_TRANSFER":
            return self._failed("INVALID_PARAMETER", "产品码或业务场景错误")
        out_biz_no = str(biz.get("out_biz_no", ""))
        payee = biz.get("payee_info") or {}
        if not out_biz_no or payee.get("identity_type") != "ALIPAY_LOGON_ID" or not payee.get("identity"):
            return self._failed("PARAM_ILLEGAL", "参数有误")
        try:
            amount = to_fen(str(biz["trans_amount"]))
        except (KeyError, ValueError):
            return self._failed("PARAM_ILLEGAL", "金额格式错误")
        if amount < 10:
            return self._failed("EXCEED_LIMIT_SM_MIN_AMOUNT", "单笔最低转账金额0.1元")
        fields = (payee["identity"], payee.get("name"), amount)
        order = self.transfers.get(out_biz_no)
        if order is not None:
            if order["fields"] != fields:
                return self._failed("PAYMENT_INFO_INCONSISTENCY", "两次请求商户单号一样，但是参数不一致")
            return self._transfer_answer(out_biz_no)
        if payee["identity"] not in self.accounts:
            return self._failed("PAYEE_NOT_EXIST", "收款账号不存在")
        if not payee.get("name") or self.accounts[payee["identity"]] != payee["name"]:
            return self._failed("PAYEE_USER_INFO_ERROR", "支付宝账号和姓名不匹配，请确认姓名是否正确")
        self.transfers[out_biz_no] = {
            "fields": fields,
            "amount": amount,
            "order_id": datetime.date.today().strftime("%Y%m%d") + "110070000" + secrets.token_hex(8)[:15],
            "pay_fund_order_id": datetime.date.today().strftime("%Y%m%d")
            + "110070001"
            + secrets.token_hex(8)[:15],
            "status": self.transfer_answer,
            "trans_date": now_text(),
            "pay_date": now_text() if self.transfer_answer == "SUCCESS" else "",
            "error_code": "",
        }
        return self._transfer_answer(out_biz_no)

    def _transfer_answer(self, out_biz_no: str) -> dict:
        order = self.transfers[out_biz_no]
        return {
            "code": "10000",
            "msg": "Success",
            "out_biz_no": out_biz_no,
            "order_id": order["order_id"],
            "pay_fund_order_id": order["pay_fund_order_id"],
            "status": order["status"],
            "trans_date": order["trans_date"],
        }

    def _transfer_query(self, biz: dict) -> dict:
        out_biz_no = str(biz.get("out_biz_no", ""))
        if out_biz_no and (
            biz.get("product_code") != "TRANS_ACCOUNT_NO_PWD" or biz.get("biz_scene") != "DIRECT_TRANSFER"
        ):
            return self._failed("PARAM_ILLEGAL", "out_biz_no 查询须传 product_code 与 biz_scene")
        order = self.transfers.get(out_biz_no)
        if order is None:
            return self._failed("ORDER_NOT_EXIST", "转账订单不存在")
        answer = {
            "code": "10000",
            "msg": "Success",
            "order_id": order["order_id"],
            "pay_fund_order_id": order["pay_fund_order_id"],
            "out_biz_no": out_biz_no,
            "status": order["status"],
        }
        if order["status"] == "SUCCESS":
            answer["trans_amount"] = yuan(order["amount"])
            answer["pay_date"] = order["pay_date"]
        if order["status"] in ("FAIL", "REFUND"):
            answer["error_code"] = order["error_code"] or "PAYEE_ACCOUNT_STATUS_ERROR"
            answer["fail_reason"] = "收款账户状态异常"
        return answer

    @staticmethod
    def _not_exist() -> dict:
        return {
            "code": "40004",
            "msg": "Business Failed",
            "sub_code": "ACQ.TRADE_NOT_EXIST",
            "sub_msg": "交易不存在",
        }

    def _query(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return self._not_exist()
        answer = {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": biz["out_trade_no"],
            "trade_no": trade["trade_no"],
            "trade_status": trade["status"],
            "total_amount": trade["total_amount"],
        }
        if trade.get("gmt_payment"):
            answer["send_pay_date"] = trade["gmt_payment"]
        return answer

    def _close(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return self._not_exist()
        if trade["status"] != "WAIT_BUYER_PAY":
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
        trade["status"] = "TRADE_CLOSED"
        return {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": biz["out_trade_no"],
            "trade_no": trade["trade_no"],
        }

    def _refund(self, biz: dict) -> dict:
        reference = biz.get("out_trade_no", "")
        trade = self.trades.get(reference)
        if trade is None:
            return self._not_exist()
        request_no = biz.get("out_request_no") or reference
        if request_no in self.refunds:
            return {
                "code": "10000",
                "msg": "Success",
                "fund_change": "N",
                "trade_no": trade["trade_no"],
                "out_trade_no": reference,
                "refund_fee": self._refunded(reference),
            }
        if trade["status"] not in ("TRADE_SUCCESS",):
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
        amount = to_fen(biz["refund_amount"])
        already = to_fen(self._refunded(reference))
        if not 0 < amount <= to_fen(trade["total_amount"]) - already:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"}
        self.refunds[request_no] = {
            "out_trade_no": reference,
            "refund_amount": yuan(amount),
            "gmt_refund": now_text(),
        }
        if to_fen(self._refunded(reference)) == to_fen(trade["total_amount"]):
            trade["status_after_refund"] = "TRADE_CLOSED"
        return {
            "code": "10000",
            "msg": "Success",
            "fund_change": "Y",
            "trade_no": trade["trade_no"],
            "out_trade_no": reference,
            "refund_fee": self._refunded(reference),
        }

    def _refunded(self, reference: str) -> str:
        return yuan(
            sum(to_fen(r["refund_amount"]) for r in self.refunds.values() if r["out_trade_no"] == reference)
        )

    def _refund_query(self, biz: dict) -> dict:
        refund = self.refunds.get(biz.get("out_request_no", ""))
        if refund is None:
            return {"code": "10000", "msg": "Success"}  # Alipay's answer for "no such refund"
        return {
            "code": "10000",
            "msg": "Success",
            "out_request_no": biz["out_request_no"],
            "out_trade_no": refund["out_trade_no"],
            "refund_amount": refund["refund_amount"],
            "refund_status": "REFUND_SUCCESS",
        }

    def _bill_url(self, biz: dict) -> dict:
        day = datetime.date.fromisoformat(biz["bill_date"])
        token = secrets.token_hex(8)
        self.bills[token] = self.bill_zip(day)
        return {"code": "10000", "msg": "Success", "bill_download_url": f"{self.base_url}/bill/{token}"}

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                status, content_type, body = standin.answer(self.path)
                raw = body if isinstance(body, bytes) else body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler

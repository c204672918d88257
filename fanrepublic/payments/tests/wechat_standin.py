"""A stand-in for WeChat Pay API v3 on 127.0.0.1, speaking its protocol.

It checks the merchant's request signature (the Authorization header, RSA-SHA256 with the
merchant key), signs every answer with the platform key (Wechatpay-* headers, public-key
mode), keeps trades and refunds, serves the trade bill as a gzip with its SHA1, and makes
notifications as WeChat Pay does: signed, with the resource encrypted by AES-256-GCM under
the merchant's APIv3 key. Written from WeChat Pay's documentation with the `cryptography`
package, independently of the SDK the platform uses.

It also pays members (商家转账, /v3/fund-app/mch-transfer/transfer-bills: the bill's
states, the payee's name encrypted with the platform key, one bill per out_bill_no and
the same fields each time it is sent, the scene's report fields), queries those bills,
notifies their end (MCHTRANSFER.BILL.FINISHED), and serves the official account's web
sign-in code exchange (/sns/oauth2/access_token, normally api.weixin.qq.com)."""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP, PKCS1v15
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA1, SHA256

from .keys import KeyPair, key_pair

CHINA = ZoneInfo("Asia/Shanghai")
AUTH = re.compile(r'(\w+)="([^"]*)"')


def rsa_sign(pair: KeyPair, message: str) -> str:
    return base64.b64encode(pair.private.sign(message.encode(), PKCS1v15(), SHA256())).decode()


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class WeChatPayStandIn:
    def __init__(
        self,
        *,
        mchid: str,
        appid: str,
        apiv3_key: str,
        merchant: KeyPair,
        platform: KeyPair,
        public_key_id: str,
        merchant_serial: str,
    ):
        self.mchid = mchid
        self.appid = appid
        self.apiv3_key = apiv3_key
        self.merchant = merchant
        self.platform = platform
        self.public_key_id = public_key_id
        self.merchant_serial = merchant_serial
        self.trades: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.refused_signatures = 0
        self.refund_answer = "SUCCESS"  # or "PROCESSING": finished later by refund_finish
        self.bills: dict[str, bytes] = {}
        # Payouts: bills by out_bill_no; the state a new one takes ("WAIT_USER_CONFIRM" as
        # in the user-confirmation mode, "SUCCESS", "PROCESSING", or "FAIL" with
        # transfer_fail_reason); the scene the merchant holds; the sign-in's codes.
        self.transfers: dict[str, dict] = {}
        self.transfer_answer = "SUCCESS"
        self.transfer_fail_reason = "NAME_NOT_CORRECT"
        self.transfer_scene_id = "1005"
        self.oauth_secret = "standin-official-account-secret"
        self.oauth_codes: dict[str, str] = {}
        self.real_names: dict[str, str] = {}  # openid -> the name WeChat knows
        self._bad_signatures = 0
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wechatpay-standin", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, n: int, status: int = 500):
        with self._lock:
            self._failures.extend([status] * n)

    def sign_badly_next(self, n: int):
        """The next n answers are handled as usual but signed with a key that is not
        WeChat Pay's (a man in the middle, or a misconfigured key)."""
        with self._lock:
            self._bad_signatures += n

    # The member's side of payouts ---------------------------------------------------------

    def oauth_code(self, openid: str) -> str:
        """The code WeChat's sign-in hands the browser for this member (single use)."""
        code = secrets.token_hex(16)
        with self._lock:
            self.oauth_codes[code] = openid
        return code

    def transfer_finish(self, out_bill_no: str, state: str = "SUCCESS", reason: str = "") -> dict:
        """The bill reaches a final state (the member confirmed, WeChat failed it, or 24
        hours passed): returns the notification WeChat Pay sends."""
        with self._lock:
            bill = self.transfers[out_bill_no]
            bill["state"] = state
            bill["update_time"] = datetime.datetime.now(CHINA).isoformat(timespec="seconds")
            if reason:
                bill["fail_reason"] = reason
            resource = {
                "mch_id": self.mchid,
                "out_bill_no": out_bill_no,
                "transfer_bill_no": bill["transfer_bill_no"],
                "state": state,
                "transfer_amount": bill["transfer_amount"],
                "openid": bill["openid"],
                "create_time": bill["create_time"],
                "update_time": bill["update_time"],
            }
            if reason:
                resource["fail_reason"] = reason
        return self.notice("MCHTRANSFER.BILL.FINISHED", resource, original="mch_payment")

    # What the buyer and the merchant console do ----------------------------------------

    def pay(
        self, reference: str, *, when: datetime.datetime | None = None, amount: int | None = None
    ) -> dict:
        """The buyer pays: the trade succeeds; returns the notification WeChat Pay sends."""
        with self._lock:
            trade = self.trades[reference]
            trade["trade_state"] = "SUCCESS"
            trade["transaction_id"] = trade.get("transaction_id") or "42000" + secrets.token_hex(11)[:22]
            trade["success_time"] = (
                (when or datetime.datetime.now(CHINA)).astimezone(CHINA).isoformat(timespec="seconds")
            )
            if amount is not None:
                trade["paid_total"] = amount
        return self.notice("TRANSACTION.SUCCESS", self._transaction(reference), original="transaction")

    def refund_finish(self, out_refund_no: str, status: str = "SUCCESS") -> dict:
        with self._lock:
            refund = self.refunds[out_refund_no]
            refund["status"] = status
            refund["success_time"] = datetime.datetime.now(CHINA).isoformat(timespec="seconds")
        resource = {
            "mchid": self.mchid,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": status,
            "amount": {
                "total": refund["amount"]["total"],
                "refund": refund["amount"]["refund"],
                "payer_total": refund["amount"]["total"],
                "payer_refund": refund["amount"]["refund"],
            },
        }
        return self.notice(f"REFUND.{status}", resource, original="refund")

    def notice(
        self,
        event_type: str,
        resource: dict,
        *,
        original: str,
        timestamp: int | None = None,
        signer: KeyPair | None = None,
        serial: str | None = None,
        key: str | None = None,
    ) -> dict:
        """A notification as WeChat Pay would send it: {"headers": {...}, "body": bytes}.
        The keyword arguments make the forged and replayed ones of the tests."""
        nonce = secrets.token_hex(6)  # 12 characters, as WeChat Pay's
        associated = original
        sealed = AESGCM((key or self.apiv3_key).encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), associated.encode()
        )
        body = json.dumps(
            {
                "id": str(uuid.uuid4()),
                "create_time": datetime.datetime.now(CHINA).isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功",
                "resource": {
                    "original_type": original,
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(sealed).decode(),
                    "associated_data": associated,
                    "nonce": nonce,
                },
            },
            ensure_ascii=False,
        )
        return {
            "headers": self._signed_headers(body, timestamp=timestamp, signer=signer, serial=serial),
            "body": body.encode(),
        }

    def _signed_headers(self, body: str, *, timestamp=None, signer=None, serial=None) -> dict:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = secrets.token_hex(16)
        return {
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": serial or self.public_key_id,
            "Wechatpay-Signature": rsa_sign(signer or self.platform, f"{ts}\n{nonce}\n{body}\n"),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    @staticmethod
    def deliver(client, url: str, notice: dict):
        """Post a notification to the platform through Django's test client."""
        extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in notice["headers"].items()}
        return client.post(url, data=notice["body"], content_type="application/json", **extra)

    def _transaction(self, reference: str) -> dict:
        trade = self.trades[reference]
        data = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": reference,
            "trade_state": trade["trade_state"],
            "trade_state_desc": trade["trade_state"],
            "amount": {"total": trade.get("paid_total", trade["amount"]["total"]), "currency": "CNY"},
        }
        if trade.get("transaction_id"):
            data["transaction_id"] = trade["transaction_id"]
            data["success_time"] = trade["success_time"]
            data["trade_type"] = "NATIVE"
        return data

    # The bill --------------------------------------------------------------------------

    def bill_csv(self, day: datetime.date) -> str:
        header = (
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
            "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
            "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        )
        lines = [header]
        paid = refunded = 0
        for reference, trade in self.trades.items():
            if (
                trade.get("success_time")
                and datetime.datetime.fromisoformat(trade["success_time"]).date() == day
            ):
                total = trade.get("paid_total", trade["amount"]["total"])
                paid += total
                lines.append(
                    ",".join(
                        "`" + v
                        for v in [
                            trade["success_time"].replace("T", " ")[:19],
                            self.appid,
                            self.mchid,
                            "0",
                            "",
                            trade["transaction_id"],
                            reference,
                            "oUser",
                            "NATIVE",
                            "SUCCESS",
                            "OTHERS",
                            "CNY",
                            yuan(total),
                            "0.00",
                            "0",
                            "0",
                            "0.00",
                            "0.00",
                            "",
                            "",
                            trade["description"],
                            "",
                            "0.00",
                            "0.60%",
                            yuan(total),
                            "0.00",
                            "",
                        ]
                    )
                )
        for out_refund_no, refund in self.refunds.items():
            if (
                refund["status"] == "SUCCESS"
                and datetime.datetime.fromisoformat(refund["success_time"]).date() == day
            ):
                refunded += refund["amount"]["refund"]
                lines.append(
                    ",".join(
                        "`" + v
                        for v in [
                            refund["success_time"].replace("T", " ")[:19],
                            self.appid,
                            self.mchid,
                            "0",
                            "",
                            refund["transaction_id"],
                            refund["out_trade_no"],
                            "oUser",
                            "NATIVE",
                            "REFUND",
                            "OTHERS",
                            "CNY",
                            "0.00",
                            "0.00",
                            refund["refund_id"],
                            out_refund_no,
                            yuan(refund["amount"]["refund"]),
                            "0.00",
                            "ORIGINAL",
                            "SUCCESS",
                            "",
                            "",
                            "0.00",
                            "0.60%",
                            yuan(refund["amount"]["total"]),
                            yuan(refund["amount"]["refund"]),
                            "",
                        ]
                    )
                )
        lines.append(
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
        )
        lines.append(
            f"`{len(lines) - 2},`{yuan(paid)},`{yuan(refunded)},`0.00,`0.00,`{yuan(paid)},`{yuan(refunded)}"
        )
        return "\n".join(lines) + "\n"

    # What WeChat Pay answers -----------------------------------------------------------

    def _verify_request(self, method: str, target: str, headers, body: str) -> bool:
        auth = headers.get("Authorization", "")
        if not auth.startswith("WECHATPAY2-SHA256-RSA2048 "):
            return False
        fields = dict(AUTH.findall(auth))
        if fields.get("mchid") != self.mchid or fields.get("serial_no") != self.merchant_serial:
            return False
        message = f"{method}\n{target}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n"
        try:
            self.merchant.public.verify(
                base64.b64decode(fields.get("signature", "")), message.encode(), PKCS1v15(), SHA256()
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def answer(self, method: str, target: str, headers, body: str) -> tuple[int, object]:
        with self._lock:
            self.requests.append((method, target))
            if self._failures:
                return self._failures.pop(0), {"code": "SYSTEM_ERROR", "message": "系统错误"}
            if target.startswith("/v3/billdownload/"):
                token = parse_qs(urlsplit(target).query).get("token", [""])[0]
                return (200, self.bills[token]) if token in self.bills else (404, {"code": "NOT_FOUND"})
            path = urlsplit(target).path
            if method == "GET" and path == "/sns/oauth2/access_token":
                return self._oauth_access_token(parse_qs(urlsplit(target).query))
            if not self._verify_request(method, target, headers, body):
                self.refused_signatures += 1
                return 401, {"code": "SIGN_ERROR", "message": "签名错误"}
            data = json.loads(body) if body else {}
            if method == "POST" and path == "/v3/fund-app/mch-transfer/transfer-bills":
                return self._transfer(data, headers)
            found = re.fullmatch(r"/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/([^/]+)", path)
            if method == "GET" and found:
                if found.group(1) not in self.transfers:
                    return 404, {"code": "NOT_FOUND", "message": "记录不存在"}
                return 200, self._transfer_view(found.group(1))
            if method == "POST" and path == "/v3/pay/transactions/native":
                return self._native(data)
            found = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", path)
            if method == "GET" and found:
                if found.group(1) not in self.trades:
                    return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
                return 200, self._transaction(found.group(1))
            found = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", path)
            if method == "POST" and found:
                trade = self.trades.get(found.group(1))
                if trade and trade["trade_state"] == "SUCCESS":
                    return 400, {"code": "ORDER_PAID", "message": "订单已支付"}
                if trade:
                    trade["trade_state"] = "CLOSED"
                return 204, None
            if method == "POST" and path == "/v3/refund/domestic/refunds":
                return self._refund(data)
            found = re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path)
            if method == "GET" and found:
                refund = self.refunds.get(found.group(1))
                if refund is None:
                    return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"}
                return 200, self._refund_view(found.group(1))
            if method == "GET" and path == "/v3/bill/tradebill":
                day = datetime.date.fromisoformat(parse_qs(urlsplit(target).query)["bill_date"][0])
                content = gzip.compress(self.bill_csv(day).encode("utf-8"))
                token = secrets.token_hex(8)
                self.bills[token] = content
                return 200, {
                    "hash_type": "SHA1",
                    "hash_value": hashlib.sha1(content, usedforsecurity=False).hexdigest(),
                    "download_url": f"{self.base_url}/v3/billdownload/file?token={token}",
                }
            return 404, {"code": "NOT_FOUND", "message": path}

    def _native(self, data: dict) -> tuple[int, dict]:
        if data.get("mchid") != self.mchid or data.get("appid") != self.appid:
            return 400, {"code": "PARAM_ERROR", "message": "mchid/appid"}
        amount = data.get("amount") or {}
        if not isinstance(amount.get("total"), int) or amount["total"] <= 0 or not data.get("notify_url"):
            return 400, {"code": "PARAM_ERROR", "message": "amount/notify_url"}
        reference = data["out_trade_no"]
        if reference in self.trades and self.trades[reference]["amount"] != amount:
            return 400, {"code": "INVALID_REQUEST", "message": "订单号重复"}
        trade = self.trades.setdefault(
            reference,
            {
                "amount": amount,
                "trade_state": "NOTPAY",
                "description": data.get("description", ""),
                "notify_url": data["notify_url"],
                "code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_urlsafe(6),
            },
        )
        return 200, {"code_url": trade["code_url"]}

    def _refund(self, data: dict) -> tuple[int, dict]:
        out_refund_no = data.get("out_refund_no", "")
        if out_refund_no in self.refunds:
            return 200, self._refund_view(out_refund_no)
        trade = self.trades.get(data.get("out_trade_no", ""))
        if trade is None or trade["trade_state"] not in ("SUCCESS", "REFUND"):
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        amount = data.get("amount") or {}
        already = sum(
            r["amount"]["refund"] for r in self.refunds.values() if r["out_trade_no"] == data["out_trade_no"]
        )
        total = trade.get("paid_total", trade["amount"]["total"])
        if amount.get("total") != total or not 0 < amount.get("refund", 0) <= total - already:
            return 400, {"code": "PARAM_ERROR", "message": "退款金额"}
        trade["trade_state"] = "REFUND"
        self.refunds[out_refund_no] = {
            "out_trade_no": data["out_trade_no"],
            "transaction_id": trade["transaction_id"],
            "refund_id": "50300" + secrets.token_hex(10),
            "amount": {"refund": amount["refund"], "total": total, "currency": "CNY"},
            "status": self.refund_answer,
            "success_time": datetime.datetime.now(CHINA).isoformat(timespec="seconds"),
        }
        return 200, self._refund_view(out_refund_no)

    # Payouts (商家转账) -------------------------------------------------------------------

    def _oauth_access_token(self, query: dict) -> tuple[int, dict]:
        def one(name):
            return query.get(name, [""])[0]

        if one("appid") != self.appid or one("secret") != self.oauth_secret:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        if one("grant_type") != "authorization_code":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        openid = self.oauth_codes.pop(one("code"), None)  # a code serves once
        if openid is None:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {
            "access_token": secrets.token_hex(20),
            "expires_in": 7200,
            "refresh_token": secrets.token_hex(20),
            "openid": openid,
            "scope": "snsapi_base",
        }

    def _decrypt(self, ciphertext: str) -> str:
        return self.platform.private.decrypt(
            base64.b64decode(ciphertext), OAEP(mgf=MGF1(algorithm=SHA1()), algorithm=SHA1(), label=None)
        ).decode()

    def _transfer(self, data: dict, headers) -> tuple[int, dict]:
        fields = ("appid", "out_bill_no", "transfer_scene_id", "openid", "transfer_amount", "transfer_remark")
        if any(not data.get(name) for name in fields):
            return 400, {"code": "PARAM_ERROR", "message": "缺少必填参数"}
        if data["appid"] != self.appid:
            return 400, {"code": "PARAM_ERROR", "message": "appid与商户号不匹配"}
        out_bill_no = data["out_bill_no"]
        if not (re.fullmatch(r"[0-9A-Za-z]{5,32}", out_bill_no)):
            return 400, {"code": "PARAM_ERROR", "message": "商户单号格式错误"}
        amount = data["transfer_amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 30:
            return 400, {"code": "PARAM_ERROR", "message": "转账金额不能低于0.3元"}
        if len(data["transfer_remark"]) > 32:
            return 400, {"code": "PARAM_ERROR", "message": "转账备注超长"}
        if data["transfer_scene_id"] != self.transfer_scene_id:
            return 400, {"code": "INVALID_REQUEST", "message": "该转账场景不可用"}
        reports = {
            item.get("info_type"): item.get("info_content")
            for item in data.get("transfer_scene_report_infos", [])
        }
        if self.transfer_scene_id == "1005" and not (reports.get("岗位类型") and reports.get("报酬说明")):
            return 400, {"code": "PARAM_ERROR", "message": "未传入完整且对应的转账场景报备信息"}
        name = ""
        if data.get("user_name"):
            if headers.get("Wechatpay-Serial") != self.public_key_id:
                return 400, {"code": "PARAM_ERROR", "message": "Wechatpay-Serial 与加密公钥不符"}
            try:
                name = self._decrypt(data["user_name"])
            except (ValueError, TypeError):
                return 400, {"code": "PARAM_ERROR", "message": "user_name 解密失败"}
        elif amount >= 200000:
            return 400, {"code": "PARAM_ERROR", "message": "转账金额>=2000元时，user_name必填"}
        signature = json.dumps({k: v for k, v in data.items() if k != "user_name"}, sort_keys=True) + name
        bill = self.transfers.get(out_bill_no)
        if bill is not None:
            if bill["signature"] != signature:
                return 400, {"code": "INVALID_REQUEST", "message": "单号已存在但信息不一致,请查单后比较确认"}
            return 200, self._transfer_view(out_bill_no, created=True)
        state, reason = self.transfer_answer, self.transfer_fail_reason
        if name and data["openid"] in self.real_names and self.real_names[data["openid"]] != name:
            state, reason = "FAIL", "NAME_NOT_CORRECT"  # WeChat checks the name it is given
        now = datetime.datetime.now(CHINA).isoformat(timespec="seconds")
        self.transfers[out_bill_no] = {
            "signature": signature,
            "transfer_bill_no": "1330000" + secrets.token_hex(14),
            "transfer_amount": amount,
            "openid": data["openid"],
            "user_name": name,
            "transfer_remark": data["transfer_remark"],
            "state": state,
            "fail_reason": reason if state == "FAIL" else "",
            "package_info": "ABBQO+" + secrets.token_urlsafe(24) if state == "WAIT_USER_CONFIRM" else "",
            "create_time": now,
            "update_time": now,
        }
        return 200, self._transfer_view(out_bill_no, created=True)

    def _transfer_view(self, out_bill_no: str, *, created: bool = False) -> dict:
        bill = self.transfers[out_bill_no]
        if created:  # the answer to the transfer itself
            view = {
                "out_bill_no": out_bill_no,
                "transfer_bill_no": bill["transfer_bill_no"],
                "create_time": bill["create_time"],
                "state": bill["state"],
            }
            if bill["state"] == "WAIT_USER_CONFIRM":
                view["package_info"] = bill["package_info"]
        else:
            view = {
                "mch_id": self.mchid,
                "out_bill_no": out_bill_no,
                "transfer_bill_no": bill["transfer_bill_no"],
                "appid": self.appid,
                "state": bill["state"],
                "transfer_amount": bill["transfer_amount"],
                "transfer_remark": bill["transfer_remark"],
                "openid": bill["openid"],
                "create_time": bill["create_time"],
                "update_time": bill["update_time"],
            }
        if bill["state"] == "FAIL" and bill["fail_reason"]:
            view["fail_reason"] = bill["fail_reason"]
        return view

    def _refund_view(self, out_refund_no: str) -> dict:
        refund = self.refunds[out_refund_no]
        return {
            "refund_id": refund["refund_id"],
            "out_refund_no": out_refund_no,
            "transaction_id": refund["transaction_id"],
            "out_trade_no": refund["out_trade_no"],
            "status": refund["status"],
            "amount": refund["amount"],
        }

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, payload = standin.answer(method, self.path, self.headers, body)
                if isinstance(payload, bytes):
                    raw, content_type = payload, "application/octet-stream"
                else:
                    raw = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
                    content_type = "application/json; charset=utf-8"
                text = raw.decode() if content_type.startswith("application/json") else ""
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                if content_type.startswith("application/json"):
                    with standin._lock:
                        forged = standin._bad_signatures > 0
                        standin._bad_signatures -= 1 if forged else 0
                    signer = key_pair("stranger") if forged else None
                    for name, value in standin._signed_headers(text, signer=signer).items():
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler

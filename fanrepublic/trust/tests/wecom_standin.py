"""A stand-in for WeCom's API on 127.0.0.1, speaking its protocol, for the client's tests.

The endpoints, their verbs and their answers follow WeCom's documentation (and the calls
wechatpy makes): `gettoken`, `externalcontact/get` (GET) and `externalcontact/groupchat/get`
(POST, despite its name). Every request is logged, so a test can show that the client
talked to the stand-in and to nothing else. A test can make the next calls fail with an
HTTP status (`fail_next`) or make WeCom declare the access token expired (`expire_token`).
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict
    body: dict | None


class WeComStandIn:
    def __init__(self, *, corp_id: str, secret: str):
        self.corp_id = corp_id
        self.secret = secret
        self.requests: list[SeenRequest] = []
        # external_userid -> {"external_contact": {...}, "follow_user": [...]}
        self.contacts: dict[str, dict] = {}
        # chat_id -> the "group_chat" object
        self.groups: dict[str, dict] = {}
        # (host, port) of any connection the client tried outside the stand-in
        self.outside: list[tuple] = []
        self.tokens_issued = 0
        self._token: str | None = None
        self._failures: list[int] = []
        self._expiries = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="wecom-standin", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/cgi-bin/"

    def start(self) -> "WeComStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # What a test arranges --------------------------------------------------------------

    def fail_next(self, n: int, status: int = 503) -> None:
        """The next n requests, whatever they ask, answer this HTTP status."""
        with self._lock:
            self._failures.extend([status] * n)

    def expire_token(self, times: int = 1) -> None:
        """The next `times` API calls answer errcode 42001, and the token they carried
        is no longer valid (the next gettoken issues a new one)."""
        with self._lock:
            self._expiries += times

    def add_contact(
        self, external_userid: str, *, name: str, follow_user: list[dict] | None = None, **fields
    ) -> None:
        self.contacts[external_userid] = {
            "external_contact": {
                "external_userid": external_userid,
                "name": name,
                "avatar": fields.pop("avatar", "http://p.qlogo.cn/bizmail/demo/0"),
                "type": fields.pop("type", 1),
                "gender": fields.pop("gender", 0),
                "unionid": fields.pop("unionid", "o" + external_userid[2:]),
                **fields,
            },
            "follow_user": follow_user or [],
        }

    def add_group(
        self, chat_id: str, *, name: str, owner: str, members: list[dict], notice: str = "", create_time=0
    ) -> None:
        self.groups[chat_id] = {
            "chat_id": chat_id,
            "name": name,
            "owner": owner,
            "create_time": create_time,
            "notice": notice,
            "member_list": members,
            "admin_list": [],
        }

    def calls(self, endpoint: str) -> list[SeenRequest]:
        """The logged requests to one endpoint, e.g. "gettoken" or "externalcontact/get"."""
        return [seen for seen in self.requests if seen.path == "/cgi-bin/" + endpoint]

    # What WeCom answers ----------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict, body: dict | None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(SeenRequest(method, path, query, body))
            if self._failures:
                return self._failures.pop(0), {"errcode": -1, "errmsg": "system busy"}
            if path == "/cgi-bin/gettoken" and method == "GET":
                return 200, self._gettoken(query)
            if self._expiries:
                self._expiries -= 1
                self._token = None
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            if not self._token or query.get("access_token") != self._token:
                return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
            if path == "/cgi-bin/externalcontact/get" and method == "GET":
                return 200, self._external_contact(query)
            if path == "/cgi-bin/externalcontact/groupchat/get" and method == "POST":
                return 200, self._group_chat(body)
            return 404, {"errcode": 404, "errmsg": f"no {method} {path} in the stand-in"}

    def _gettoken(self, query: dict) -> dict:
        if query.get("corpid") != self.corp_id:
            return {"errcode": 40013, "errmsg": "invalid corpid"}
        if query.get("corpsecret") != self.secret:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        if not self._token:
            self.tokens_issued += 1
            self._token = f"standin-token-{self.tokens_issued}"
        return {"errcode": 0, "errmsg": "ok", "access_token": self._token, "expires_in": 7200}

    def _external_contact(self, query: dict) -> dict:
        contact = self.contacts.get(query.get("external_userid", ""))
        if contact is None:
            return {"errcode": 84061, "errmsg": "not external contact"}
        return {"errcode": 0, "errmsg": "ok", **contact}

    def _group_chat(self, body: dict | None) -> dict:
        if not isinstance(body, dict) or not body.get("chat_id"):
            return {"errcode": 40058, "errmsg": "chat_id is required"}
        chat = self.groups.get(body["chat_id"])
        if chat is None:
            return {"errcode": 40050, "errmsg": "chatid not found"}
        if not body.get("need_name"):
            chat = {
                **chat,
                "member_list": [{k: v for k, v in m.items() if k != "name"} for m in chat["member_list"]],
            }
        return {"errcode": 0, "errmsg": "ok", "group_chat": chat}

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._respond("GET")

            def do_POST(self):
                self._respond("POST")

            def _respond(self, method):
                url = urlsplit(self.path)
                query = dict(parse_qsl(url.query, keep_blank_values=True))
                body = None
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    try:
                        body = json.loads(self.rfile.read(length).decode("utf-8"))
                    except ValueError:
                        body = None
                status, answer = standin.answer(method, url.path, query, body)
                content = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format, *args):
                pass  # the log is `standin.requests`

        return Handler

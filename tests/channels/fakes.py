"""Local fakes of the messaging services' APIs, for the channel tests.

Each fake is a small HTTP server on 127.0.0.1 (a free port, its own thread) that
answers the few API calls Taai's channels make, the way the real service answers
them, checks the credentials the real service would check, and records every
request so a test can assert what would have reached the user.

    Telegram    Bot API: getMe, setWebhook, sendMessage, answerCallbackQuery
    Slack       Web API: chat.postMessage
    Mattermost  REST API v4: POST /posts, GET /users/me
    BotFramework  OpenID configuration + signing keys (JWKS), the OAuth token
                endpoint, and the Connector's POST /v3/conversations/{id}/activities
    Twilio      REST API: POST /2010-04-01/Accounts/{sid}/Messages.json
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["Recorded", re.Match], tuple[int, Any]]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    data: Any = None  # parsed JSON, or a dict of form fields (first value of each)
    status: int = 0
    meta: dict = field(default_factory=dict)


def _parse_body(content_type: str, raw: bytes) -> Any:
    if not raw:
        return None
    if content_type.startswith("application/json"):
        return json.loads(raw)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {key: values[0] for key, values in parse_qs(raw.decode(), keep_blank_values=True).items()}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_content() for part in message.iter_parts()
        }
    return raw.decode(errors="replace")


class FakeService:
    """An HTTP server with a route table and a record of requests."""

    name = "fake"

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.add_routes()
        service = self

        class RequestHandler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                recorded = Recorded(self.command, path, {k.lower(): v for k, v in self.headers.items()}, raw)
                try:
                    recorded.data = _parse_body(self.headers.get("Content-Type", ""), raw)
                    status, body = service.dispatch(recorded)
                except Exception as error:  # a bug in a fake must show, not hang a test
                    status, body = 500, {"error": repr(error)}
                recorded.status = status
                with service._lock:
                    service.requests.append(recorded)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        # A short poll: stop() waits up to one poll interval (0.5 s by default) for the loop.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeService":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_routes(self) -> None:
        raise NotImplementedError

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + "$"), handler))

    def dispatch(self, recorded: Recorded) -> tuple[int, Any]:
        for method, pattern, handler in self.routes:
            match = pattern.match(recorded.path)
            if method == recorded.method and match:
                return handler(recorded, match)
        return 404, {"error": f"no fake for {recorded.method} {recorded.path}"}

    def next_id(self) -> int:
        return next(self._ids)

    def recorded(self, predicate: Callable[[Recorded], bool] = lambda r: True) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if predicate(r)]

    def wait_for(
        self, predicate: Callable[[Recorded], bool], count: int = 1, timeout: float = 90, settle: float = 1.5
    ) -> list[Recorded]:
        """Wait until `count` matching requests arrived, then `settle` seconds for stragglers
        (a turn's messages come one by one); return all matching requests."""
        deadline = time.monotonic() + timeout
        while len(self.recorded(predicate)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: expected {count} request(s), got {[(r.method, r.path) for r in self.recorded()]}"
                )
            time.sleep(0.2)
        time.sleep(settle)
        return self.recorded(predicate)

    def mark(self) -> int:
        with self._lock:
            return len(self.requests)

    def since(self, mark: int, predicate: Callable[[Recorded], bool] = lambda r: True) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests[mark:] if predicate(r)]

    def wait_since(
        self, mark: int, predicate: Callable[[Recorded], bool], timeout: float = 90, settle: float = 2.0
    ) -> list[Recorded]:
        """Requests matching `predicate` after `mark`, once at least one came and no new
        one followed for `settle` seconds (the end of the bot's turn)."""
        deadline = time.monotonic() + timeout
        seen, quiet_since = -1, time.monotonic()
        while True:
            found = self.since(mark, predicate)
            if len(found) != seen:
                seen, quiet_since = len(found), time.monotonic()
            elif found and time.monotonic() - quiet_since >= settle:
                return found
            if time.monotonic() > deadline:
                if found:
                    return found
                raise AssertionError(
                    f"{self.name}: nothing arrived; requests: "
                    f"{[(r.method, r.path, r.status) for r in self.since(mark)]}"
                )
            time.sleep(0.2)


def _bearer(recorded: Recorded) -> str:
    return recorded.headers.get("authorization", "").removeprefix("Bearer ").strip()


# --- Telegram ---------------------------------------------------------------------------


class FakeTelegram(FakeService):
    name = "telegram"

    def __init__(self, token: str, username: str) -> None:
        self.token, self.username = token, username
        super().__init__()

    def add_routes(self) -> None:
        self.route("POST", r"/bot(?P<token>[^/]+)/(?P<method>\w+)", self._method)
        self.route("GET", r"/bot(?P<token>[^/]+)/(?P<method>\w+)", self._method)

    def _method(self, recorded: Recorded, match: re.Match) -> tuple[int, Any]:
        if match["token"] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method, data = match["method"], recorded.data or {}
        recorded.meta["method"] = method
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {
                    "id": int(self.token.split(":")[0]),
                    "is_bot": True,
                    "first_name": "Taai",
                    "username": self.username,
                },
            }
        if method in ("setWebhook", "answerCallbackQuery"):
            return 200, {"ok": True, "result": True}
        if method == "sendMessage":
            if len(str(data.get("text", ""))) > 4096:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
            return 200, {
                "ok": True,
                "result": {
                    "message_id": self.next_id(),
                    "date": int(time.time()),
                    "chat": {"id": int(data["chat_id"]), "type": "private"},
                    "text": data.get("text", ""),
                },
            }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def calls(self, method: str) -> Callable[[Recorded], bool]:
        return lambda r: r.meta.get("method") == method and r.status == 200


# --- Slack ---------------------------------------------------------------------------------


class FakeSlack(FakeService):
    name = "slack"

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__()

    def add_routes(self) -> None:
        self.route("POST", r"/api/chat\.postMessage", self._post_message)

    def _post_message(self, recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        # Slack answers HTTP 200 with ok=false for API errors.
        if _bearer(recorded) != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}
        data = recorded.data or {}
        if data.get("as_user"):
            return 200, {"ok": False, "error": "invalid_arguments"}  # bot tokens may not use as_user
        for block in data.get("blocks") or []:
            if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
                return 200, {"ok": False, "error": "invalid_blocks"}
        return 200, {
            "ok": True,
            "channel": data.get("channel"),
            "ts": f"{time.time():.6f}",
            "message": {"text": data.get("text"), "type": "message"},
        }


# --- Mattermost ------------------------------------------------------------------------------


class FakeMattermost(FakeService):
    name = "mattermost"
    bot_user_id = "taaibotuserid0000000000000"

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__()

    def add_routes(self) -> None:
        self.route("POST", r"/api/v4/posts", self._create_post)
        self.route("GET", r"/api/v4/users/me", self._me)

    def _me(self, recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        if _bearer(recorded) != self.token:
            return 401, {"id": "api.context.session_expired.app_error", "status_code": 401}
        return 200, {"id": self.bot_user_id, "username": "taai", "is_bot": True}

    def _create_post(self, recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        if _bearer(recorded) != self.token:
            return 401, {"id": "api.context.session_expired.app_error", "status_code": 401}
        data = recorded.data or {}
        return 201, {
            "id": f"post{self.next_id()}",
            "channel_id": data.get("channel_id"),
            "user_id": self.bot_user_id,
            "message": data.get("message", ""),
            "props": data.get("props", {}),
        }


# --- Bot Framework ---------------------------------------------------------------------------


class FakeBotFramework(FakeService):
    """Microsoft's login (OpenID, keys, tokens) and the Bot Connector, in one fake.

    It signs the tokens a test puts on incoming activities with its own RSA key, and
    publishes that key the way login.botframework.com publishes Microsoft's.
    """

    name = "botframework"
    key_id = "taai-test-key"
    access_token = "fake-connector-access-token"

    def __init__(self, app_id: str, app_password: str) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        self.app_id, self.app_password = app_id, app_password
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        self.jwk = {**jwk, "kid": self.key_id, "use": "sig", "endorsements": ["msteams", "webchat"]}
        super().__init__()

    def add_routes(self) -> None:
        self.route("GET", r"/v1/\.well-known/openidconfiguration", self._openid)
        self.route("GET", r"/v1/\.well-known/keys", self._keys)
        self.route("POST", r"/oauth2/v2\.0/token", self._token)
        # The Connector's serviceUrl has a path of its own (e.g. .../emea/).
        self.route("POST", r"(?:/[\w.-]+)*/v3/conversations/(?P<conversation>[^/]+)/activities", self._activity)

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth2/v2.0/token"

    def sign(self, claims: dict, private_key: Any = None, key_id: Optional[str] = None) -> str:
        import jwt

        return jwt.encode(
            claims, private_key or self.private_key, algorithm="RS256", headers={"kid": key_id or self.key_id}
        )

    def channel_token(self, service_url: str, **overrides: Any) -> str:
        """A token as the Bot Connector puts on an activity it sends to a bot."""
        now = int(time.time())
        claims = {
            "iss": "https://api.botframework.com",
            "aud": self.app_id,
            "serviceUrl": service_url,
            "nbf": now - 5,
            "exp": now + 600,
            **overrides,
        }
        return self.sign(claims)

    def _openid(self, _recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        return 200, {
            "issuer": "https://api.botframework.com",
            "jwks_uri": f"{self.base_url}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _keys(self, _recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        return 200, {"keys": [self.jwk]}

    def _token(self, recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        data = recorded.data or {}
        if (data.get("client_id"), data.get("client_secret")) != (self.app_id, self.app_password):
            return 401, {"error": "invalid_client"}
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": self.access_token}

    def _activity(self, recorded: Recorded, _match: re.Match) -> tuple[int, Any]:
        if _bearer(recorded) != self.access_token:
            return 401, {"error": {"code": "Unauthorized"}}
        return 200, {"id": f"activity{self.next_id()}"}


# --- Twilio ----------------------------------------------------------------------------------


class FakeTwilio(FakeService):
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        super().__init__()

    def add_routes(self) -> None:
        self.route("POST", r"/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json", self._create_message)

    def _create_message(self, recorded: Recorded, match: re.Match) -> tuple[int, Any]:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if recorded.headers.get("authorization") != expected or match["sid"] != self.account_sid:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        data = recorded.data or {}
        if len(data.get("Body", "")) > 1600:
            return 400, {
                "code": 21617,
                "message": "The concatenated message body exceeds the 1600 character limit",
                "status": 400,
            }
        return 201, {
            "sid": f"SM{self.next_id():032d}",
            "account_sid": self.account_sid,
            "to": data.get("To"),
            "from": data.get("From"),
            "body": data.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
        }

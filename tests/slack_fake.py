"""A small fake of Slack's Web API and of an incoming webhook, served over loopback HTTP.

The real `slack_sdk.WebClient(base_url=fake.base_url)` talks to it. It checks the bearer
token, records every call's arguments (JSON or form bodies), keeps each channel's messages
(with their metadata) for conversations.history, and answers the way Slack does:
`200 {"ok": false, "error": ...}` for API errors, 429 with Retry-After, plain 5xx pages.
`fail(method, fault)` scripts the next answers: an error code, 429, 500, "drop" (close the
connection without a reply, request not processed), "drop_after" (process it, then drop) or
"hang" (process it, then reply only after `retry_after` seconds: a client timeout).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TOKEN = "xoxb-test-0000-secret-token"
WEBHOOK_PATH = "/services/T000/B000/webhooksecret"
ALL_SCOPES = {"chat:write", "channels:history", "groups:history", "channels:read", "groups:read"}


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict
    auth: str | None


@dataclass
class Fault:
    fault: object  # an error code (str), an HTTP status (int), "drop", "drop_after" or "hang"
    retry_after: float | None = None
    times: int | None = 1  # None: every time


@dataclass
class FakeSlack:
    """State and controls of the fake; `start()` serves it, `stop()` ends it."""

    token: str = TOKEN
    channels: dict = field(default_factory=lambda: {
        "probation-alerts": "C0PROBATION", "yjs-alerts": "C0YJSALERTS",
        "ops": "C0OPSNOTICE", "outsiders": "C0OUTSIDERS"})
    members: set = field(default_factory=lambda: {"C0PROBATION", "C0YJSALERTS", "C0OPSNOTICE"})
    scopes: set = field(default_factory=lambda: set(ALL_SCOPES))
    archived: set = field(default_factory=set)
    calls: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)  # channel id -> [message], oldest first
    webhook_posts: list = field(default_factory=list)
    faults: dict = field(default_factory=dict)  # method -> [Fault]
    _clock: float = 0.0

    def start(self) -> "FakeSlack":
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{WEBHOOK_PATH}"

    # --- controls and views ---------------------------------------------------------------

    def fail(self, method: str, fault, *, retry_after: float | None = None, times: int | None = 1):
        """Answer the next `times` calls of `method` ("webhook" for the webhook) with `fault`."""
        self.faults.setdefault(method, []).append(Fault(fault, retry_after, times))

    def clear_faults(self) -> None:
        self.faults.clear()

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posted(self, channel_id: str | None = None) -> list[dict]:
        """Messages that exist now (after edits), in one channel or all, oldest first."""
        chans = [channel_id] if channel_id else list(self.messages)
        return [m for c in chans for m in self.messages.get(c, [])]

    def _next_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method) or []
        if not queue:
            return None
        fault = queue[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
        return fault

    # --- the API ------------------------------------------------------------------------------

    def _channel(self, value: str | None, *, ids_only: bool = False) -> str | None:
        if not value:
            return None
        if value in self.channels.values():
            return value
        if ids_only:
            return None  # chat.update and conversations.history want an id
        return self.channels.get(value.lstrip("#"))

    def api(self, method: str, args: dict) -> dict:
        """The JSON answer to one authorised call."""
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(args)

    def _check_post_channel(self, channel: str | None) -> dict | None:
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.archived:
            return {"ok": False, "error": "is_archived"}
        if channel not in self.members and "chat:write.public" not in self.scopes:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def _chat_postMessage(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        error = self._check_post_channel(channel)
        if error:
            return error
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if not _blocks_valid(args.get("blocks")):
            return {"ok": False, "error": "invalid_blocks"}
        self._clock = max(time.time(), self._clock + 0.000001)  # ts: unique, real time
        msg = {"type": "message", "ts": f"{self._clock:.6f}",
               "text": args.get("text"), "blocks": args.get("blocks"), "bot_id": "B0FAKEBOT",
               "metadata": args.get("metadata")}
        self.messages.setdefault(channel, []).append(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": msg}

    def _chat_update(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"), ids_only=True)
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        for msg in self.messages.get(channel, []):
            if msg["ts"] == args.get("ts"):
                if not _blocks_valid(args.get("blocks")):
                    return {"ok": False, "error": "invalid_blocks"}
                msg.update(text=args.get("text"), blocks=args.get("blocks"), edited=True)
                if args.get("metadata"):
                    msg["metadata"] = args["metadata"]
                return {"ok": True, "channel": channel, "ts": msg["ts"], "text": msg["text"]}
        return {"ok": False, "error": "message_not_found"}

    def _conversations_history(self, args: dict) -> dict:
        if "channels:history" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "channels:history"}
        channel = self._channel(args.get("channel"), ids_only=True)
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(args.get("oldest") or 0)
        with_meta = str(args.get("include_all_metadata")).lower() in ("1", "true")
        found = [m for m in reversed(self.messages.get(channel, [])) if float(m["ts"]) > oldest]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = [{k: v for k, v in m.items() if with_meta or k != "metadata"}
                for m in found[start:start + limit]]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _conversations_list(self, args: dict) -> dict:
        if "channels:read" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "channels:read"}
        chans = [{"id": cid, "name": name, "is_member": cid in self.members}
                 for name, cid in self.channels.items()]
        return {"ok": True, "channels": chans, "response_metadata": {"next_cursor": ""}}


def _blocks_valid(blocks) -> bool:
    """A few of Slack's real Block Kit limits, so an oversized message fails here too."""
    if blocks is None:
        return True
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list) or len(blocks) > 50:
        return False
    for b in blocks:
        if b.get("type") == "header" and (b["text"]["type"] != "plain_text" or len(b["text"]["text"]) > 150):
            return False
        if b.get("type") == "section":
            if "text" in b and len(b["text"]["text"]) > 3000:
                return False
            if len(b.get("fields", [])) > 10 or any(len(f["text"]) > 2000 for f in b.get("fields", [])):
                return False
    return True


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        fake = self.fake
        path = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        args = dict(parse_qsl(path.query))
        ctype = self.headers.get("Content-Type", "")
        if raw and "json" in ctype:
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw.decode("utf-8")))
        if path.path == WEBHOOK_PATH:
            return self._webhook(args)
        if not path.path.startswith("/api/"):
            return self._send(404, b"not found", "text/plain")
        method = path.path[len("/api/"):]
        with fake._lock:
            fake.calls.append(Call(method, args, self.headers.get("Authorization")))
            fault = fake._next_fault(method)
            if fault is not None and fault.fault == "drop":
                return self._drop()
            if fault is not None and fault.fault not in ("drop_after", "hang"):
                return self._fault(fault)
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                answer = {"ok": False, "error": "not_authed" if not self.headers.get("Authorization")
                          else "invalid_auth"}
            else:
                answer = fake.api(method, args)
            if fault is not None and fault.fault == "drop_after":
                return self._drop()  # done, but the reply is lost
        if fault is not None:  # hang: done, but the reply comes after the client gave up
            time.sleep(fault.retry_after or 1.0)
        try:
            self._send(200, json.dumps(answer).encode(), "application/json; charset=utf-8")
        except OSError:
            pass  # the client hung up


    def _webhook(self, args: dict) -> None:
        fake = self.fake
        with fake._lock:
            fault = fake._next_fault("webhook")
            if fault is not None and fault.fault == "drop":
                return self._drop()
            if fault is not None and fault.fault != "drop_after":
                if isinstance(fault.fault, str):  # webhooks answer errors as plain text
                    status = {"invalid_payload": 400, "invalid_token": 403, "action_prohibited": 403,
                              "channel_is_archived": 410}.get(fault.fault, 404)
                    return self._send(status, fault.fault.encode(), "text/html")
                return self._fault(fault)
            fake.webhook_posts.append(args)
            if fault is not None:
                return self._drop()
        self._send(200, b"ok", "text/html")

    def _fault(self, fault: Fault) -> None:
        if fault.fault == 429:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            return self._send(429, b'{"ok":false,"error":"ratelimited"}', "application/json", headers)
        if isinstance(fault.fault, int):
            return self._send(fault.fault, b"<html><body>Server Error</body></html>", "text/html")
        body = json.dumps({"ok": False, "error": fault.fault}).encode()
        self._send(200, body, "application/json; charset=utf-8")

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)  # no status line: the client sees the connection drop

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

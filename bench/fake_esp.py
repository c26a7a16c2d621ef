"""A local stand-in for Brevo's transactional email API, for the mailing benchmark and tests.

It implements what anymail's Brevo backend calls: ``POST <api>/smtp/email`` with either ``to``
(one message) or ``messageVersions`` (a batch: one message per version, its ``params`` filling
``{{ params.name }}`` in the content and its ``headers`` added to the common ones), answering
``201 {"messageId": …}`` or ``{"messageIds": […]}``. Like Brevo, a request whose
``headers.idempotencyKey`` was seen before sends nothing and gets the first answer again.
It counts the messages each recipient got and the duplicates it dropped; with ``keep=True`` it
keeps every message (tests), and ``hold_request=N`` makes it record the N-th request and then
wait before answering until ``release()`` (the benchmark kills the worker in that gap).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARAM = re.compile(r"\{\{\s*params\.(\w+)\s*\}\}")


def _render(template: str, params: dict) -> str:
    return PARAM.sub(lambda m: str(params.get(m.group(1), "")), template or "")


class FakeBrevo:
    def __init__(self, *, api_key: str = "fake-key", keep: bool = False, hold_request: int = 0):
        self.api_key = api_key
        self.keep = keep
        self.hold_request = hold_request
        self.lock = threading.Lock()
        self.per_recipient: Counter = Counter()
        self.messages: list[dict] = []
        self.requests = 0
        self.duplicate_requests = 0
        self.duplicate_messages = 0
        self.answers: dict[str, bytes] = {}
        self.held = threading.Event()
        self._release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v3/"

    def start(self) -> FakeBrevo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        self._release.set()

    def handle(self, payload: dict) -> tuple[int, bytes, bool]:
        """Record one API request; (status, body, hold before answering)."""
        key = (payload.get("headers") or {}).get("idempotencyKey")
        versions = payload.get("messageVersions") or [{"to": payload.get("to", [])}]
        with self.lock:
            self.requests += 1
            if key and key in self.answers:
                self.duplicate_requests += 1
                self.duplicate_messages += len(versions)
                return 201, self.answers[key], False
            ids = []
            for version in versions:
                for to in version.get("to", []):
                    self.per_recipient[to["email"]] += 1
                message_id = f"<{uuid.uuid4().hex}@fake-brevo>"
                ids.append(message_id)
                if self.keep:
                    params = version.get("params") or payload.get("params") or {}
                    self.messages.append(
                        {
                            "to": [to["email"] for to in version.get("to", [])],
                            "subject": payload.get("subject", ""),
                            "html": _render(payload.get("htmlContent", ""), params),
                            "text": _render(payload.get("textContent", ""), params),
                            "headers": {
                                **(payload.get("headers") or {}),
                                **(version.get("headers") or {}),
                            },
                            "message_id": message_id,
                        }
                    )
            answer = json.dumps(
                {"messageIds": ids} if "messageVersions" in payload else {"messageId": ids[0]}
            ).encode()
            if key:
                self.answers[key] = answer
            hold = self.hold_request and self.requests == self.hold_request
        return 201, answer, bool(hold)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("api-key") != fake.api_key:
                    status, answer, hold = 401, b'{"code": "unauthorized"}', False
                elif not self.path.endswith("/smtp/email"):
                    status, answer, hold = 404, b'{"code": "not_found"}', False
                else:
                    status, answer, hold = fake.handle(json.loads(body))
                if hold:
                    fake.held.set()
                    fake._release.wait(timeout=120)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the worker was killed while we held the answer: the point of it

        return Handler

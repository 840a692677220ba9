"""A deliberately broken server on loopback, for the faults a real Gradio app can show.

Each path prefix is a scenario; ``/<scenario>/config`` etc. Run: ``python broken.py --port N``
(add ``--cert FILE --key FILE`` to serve HTTPS). ``GET /requests`` lists the requests seen so
far (method, path, session_hash), so tests can check what the client asked for.
"""

from __future__ import annotations

import argparse
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

REQUESTS: list[dict[str, object]] = []
LOCK = threading.Lock()
# Text that tries to drive the terminal: colours, a window title, the clipboard (OSC 52),
# a bell, a backspace, an 8-bit CSI, and rich markup.
HOSTILE = (
    "\x1b[38;5;199mPINK\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x08\x9b31m[blink]MARKUP[/blink]"
)

CONFIG = {
    "version": "6.31.0",
    "protocol": "sse_v3",
    "api_prefix": "/gradio_api",
    "enable_queue": True,
    "components": [],
    "dependencies": [{"id": 0, "api_name": "predict"}, {"id": 1, "api_name": "upfile"}],
}
INFO = {
    "named_endpoints": {
        "/predict": {
            "parameters": [
                {
                    "label": "text",
                    "parameter_name": "text",
                    "parameter_has_default": False,
                    "type": {"type": "string"},
                    "component": "Textbox",
                }
            ],
            "returns": [{"label": "out", "type": {"type": "string"}, "component": "Textbox"}],
        },
        "/upfile": {
            "parameters": [
                {
                    "label": "f",
                    "parameter_name": "f",
                    "parameter_has_default": False,
                    "type": {"title": "FileData", "type": "object", "properties": {"path": {}}},
                    "component": "File",
                }
            ],
            "returns": [{"label": "out", "type": {"type": "string"}, "component": "Textbox"}],
        },
    },
    "unnamed_endpoints": {},
}
MiB = 1024 * 1024


# /info with missing and wrong-typed fields everywhere but one usable endpoint.
ODD_INFO = {
    "named_endpoints": {
        "/predict": {
            "parameters": [
                "not a dict",
                {"label": 7, "type": 5, "python_type": "str", "parameter_has_default": "yes"},
                {"parameter_name": None, "label": None, "type": {"type": ["string", 3]}},
            ],
            "returns": None,
            "description": ["not", "text"],
        },
        "/nosuchdependency": {"parameters": []},
        42: "not an endpoint",
    },
    "unnamed_endpoints": None,
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: object) -> None:
        self._send(status, json.dumps(payload).encode())

    def _record(self) -> tuple[str, str]:
        url = urlsplit(self.path)
        scenario, _, rest = url.path.lstrip("/").partition("/")
        session = parse_qs(url.query).get("session_hash", [""])[0]
        with LOCK:
            REQUESTS.append({"method": self.command, "path": url.path, "session_hash": session})
        return scenario, "/" + rest

    def do_GET(self) -> None:
        if self.path == "/requests":
            with LOCK:
                self._json(200, REQUESTS)
            return
        scenario, path = self._record()
        if path == "/config":
            if scenario == "notjson":
                self._send(200, b"<html>hello</html>", "text/html")
            elif scenario == "err500":
                self._json(500, {"detail": "kaboom in config"})
            elif scenario == "hostile":
                self._json(200, {**CONFIG, "version": HOSTILE})
            elif scenario == "auth401":
                self._json(401, {"detail": {"error": "Not authenticated"}})
            elif scenario == "bigconfig":
                self._json(200, {**CONFIG, "padding": "x" * (2 * 1024 * 1024)})
            else:
                self._json(200, CONFIG)
        elif path == "/gradio_api/info":
            if scenario == "badinfo":
                self._json(200, {"named_endpoints": "nope"})
            elif scenario == "info500":
                self._json(500, {"error": "info exploded"})
            elif scenario == "oddinfo":
                self._json(200, ODD_INFO)
            else:
                self._json(200, INFO)
        elif path.startswith("/gradio_api/file="):
            if scenario == "file404":
                self._json(404, {"detail": "File not found."})
            else:
                self._file(scenario)
        elif path == "/gradio_api/queue/data":
            if scenario == "data500":
                self._json(500, {"detail": "stream exploded"})
            elif scenario == "data404":
                self._json(404, {"detail": "Session not found."})
            else:
                self._stream(scenario)
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        scenario, path = self._record()
        length = int(self.headers.get("Content-Length") or 0)
        if scenario == "slowupload" and path == "/gradio_api/upload":
            # Take the body a trickle at a time: the upload stays in progress.
            while length > 0:
                length -= len(self.rfile.read(min(length, 1024)))
                time.sleep(0.5)
        self.rfile.read(length)
        if path == "/gradio_api/queue/join":
            if scenario == "queuefull":
                self._json(503, {"detail": "Queue is full."})
            elif scenario == "invalid":
                self._json(
                    422,
                    {
                        "detail": [
                            {"is_valid": False, "message": "too long", "parameter_name": "text"},
                            {"is_valid": False, "message": "not a colour", "parameter_name": "c"},
                        ]
                    },
                )
            elif scenario == "ratelimit":
                self.send_response(429)
                self.send_header("Retry-After", "17")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif scenario == "join500":
                self._json(500, {"detail": "join exploded"})
            elif scenario == "join400":
                self._send(400, b"bad payload: fn_index", "text/plain")
            elif scenario == "join404":
                self._json(404, {"detail": "Not Found"})
            elif scenario == "slowjoin":
                time.sleep(2)
                self._json(200, {"event_id": "e1"})
            elif scenario == "bigjoin":
                self._json(200, {"event_id": "e1", "padding": "x" * (2 * 1024 * 1024)})
            else:
                self._json(200, {"event_id": "e1"})
        elif path == "/gradio_api/upload":
            if scenario == "upload500":
                self._json(500, {"detail": "disk full"})
            else:
                self._json(200, ["/tmp/uploaded.bin"])
        elif path == "/gradio_api/cancel":
            self._json(200, {"success": True})
        else:
            self._json(404, {"detail": "Not Found"})

    def _stream(self, scenario: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()

        def line(payload: object) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            self.wfile.write(f"data: {text}\n\n".encode())
            self.wfile.flush()

        line({"msg": "estimation", "event_id": "e1", "rank": 0, "queue_size": 1})
        if scenario == "heartbeats":
            # Alive, but never anything else: only the client's idle limit ends this.
            try:
                while True:
                    time.sleep(0.05)
                    line({"msg": "heartbeat"})
            except OSError:
                return
        if scenario == "silent":
            try:
                while True:
                    time.sleep(0.2)
                    self.wfile.write(b": still here\n")
                    self.wfile.flush()
            except OSError:
                return
        if scenario == "lostsession":
            line({"msg": "unexpected_error", "message": "", "session_not_found": True})
            self.close_connection = True
            return
        if scenario == "stopped":
            line({"msg": "unexpected_error", "message": "Server stopped unexpectedly."})
            line({"msg": "close_stream", "event_id": None})
            self.close_connection = True
            return
        if scenario == "flood":
            # Thousands of messages for calls nobody made, then the real answer.
            for n in range(300):
                line({"msg": "estimation", "event_id": f"other{n}", "rank": n})
            for n in range(3000):
                line({"msg": "process_generating", "event_id": "zzz", "output": {"data": [n]}})
        if scenario in ("slowdownload", "bigfile", "file404"):
            host = self.headers.get("Host", "127.0.0.1")
            file_data = {
                "path": "big.bin",
                "url": f"http://{host}/{scenario}/gradio_api/file=big.bin",
                "orig_name": "big.bin",
                "size": None,
                "mime_type": None,
                "is_stream": False,
                "meta": {"_type": "gradio.FileData"},
            }
            line(
                {
                    "msg": "process_completed",
                    "event_id": "e1",
                    "success": True,
                    "output": {"data": [file_data]},
                }
            )
            line({"msg": "close_stream", "event_id": None})
            self.close_connection = True
            return
        if scenario == "hiddenerror":
            line(
                {
                    "msg": "process_completed",
                    "event_id": "e1",
                    "success": False,
                    "output": {"error": None},
                }
            )
            line({"msg": "close_stream", "event_id": None})
            self.close_connection = True
            return
        if scenario == "bigevent":
            self.wfile.write(b"data: " + b"x" * (2 * 1024 * 1024))
            self.wfile.flush()
            self.close_connection = True
            return
        if scenario == "hostile":
            line({"msg": "log", "event_id": "e1", "log": HOSTILE, "level": "warning"})
            line(
                {
                    "msg": "process_completed",
                    "event_id": "e1",
                    "success": False,
                    "output": {"error": "bad " + HOSTILE},
                    "title": HOSTILE,
                }
            )
            line({"msg": "close_stream", "event_id": None})
            self.close_connection = True
            return
        if scenario == "dies":
            line({"msg": "process_starts", "event_id": "e1"})
            time.sleep(0.2)
            self.close_connection = True
            self.wfile.flush()
            return
        if scenario == "garbage":
            line("this is not json")
            line({"msg": "something_new", "event_id": "e1"})
            line(["a", "list"])
            line(
                {
                    "msg": "process_generating",
                    "event_id": "e1",
                    "success": True,
                    "output": {"data": ["par"]},
                }
            )
            line(
                {
                    "msg": "process_generating",
                    "event_id": "e1",
                    "success": True,
                    "output": {"data": [[["append", [0, 5], "x"]]]},
                }
            )
        line(
            {
                "msg": "process_completed",
                "event_id": "e1",
                "success": True,
                "output": {"data": ["partial done"]},
            }
        )
        line({"msg": "close_stream", "event_id": None})
        self.close_connection = True

    def _file(self, scenario: str) -> None:
        size = 3 * MiB if scenario == "bigfile" else 512 * MiB
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            if scenario == "bigfile":
                self.wfile.write(b"x" * size)
                return
            self.wfile.write(b"x" * (256 * 1024))
            while True:  # then a trickle: the download stays in progress
                time.sleep(0.2)
                self.wfile.write(b"x" * 1024)
                self.wfile.flush()
        except OSError:
            return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--key", help="the private key of --cert (PEM)")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""A deliberately broken server on loopback, for the faults a real Gradio app can show.

Each path prefix is a scenario; ``/<scenario>/config`` etc. Run: ``python broken.py --port N``.
"""

from __future__ import annotations

import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = {
    "version": "6.31.0",
    "protocol": "sse_v3",
    "api_prefix": "/gradio_api",
    "enable_queue": True,
    "components": [],
    "dependencies": [{"id": 0, "api_name": "predict"}],
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
        }
    },
    "unnamed_endpoints": {},
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

    def do_GET(self) -> None:
        scenario, _, rest = self.path.lstrip("/").partition("/")
        path = "/" + rest.split("?")[0]
        if path == "/config":
            if scenario == "notjson":
                self._send(200, b"<html>hello</html>", "text/html")
            elif scenario == "err500":
                self._json(500, {"detail": "kaboom in config"})
            else:
                self._json(200, CONFIG)
        elif path == "/gradio_api/info":
            if scenario == "badinfo":
                self._json(200, {"named_endpoints": "nope"})
            else:
                self._json(200, INFO)
        elif path == "/gradio_api/queue/data":
            self._stream(scenario)
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        scenario, _, rest = self.path.lstrip("/").partition("/")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if rest == "gradio_api/queue/join":
            if scenario == "queuefull":
                self._json(503, {"detail": "Queue is full."})
            elif scenario == "invalid":
                self._json(
                    422,
                    {
                        "detail": [
                            {"is_valid": False, "message": "too long", "parameter_name": "text"}
                        ]
                    },
                )
            else:
                self._json(200, {"event_id": "e1"})
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

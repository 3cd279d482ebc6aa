"""A local stand-in for Cloudinary's Upload API, good enough to test the real SDK calls.

It speaks the documented protocol: ``POST /v1_1/<cloud>/<resource_type>/upload`` and
``/destroy`` with signed multipart/form fields (SHA-1 of the sorted ``key=value`` pairs
followed by the API secret), signed ``GET .../download`` URLs that expire, and public
delivery URLs for ``type=upload`` assets. It runs in a thread on 127.0.0.1.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CLOUD = "kwika-test"
API_KEY = "123456789012345"
API_SECRET = "fake-cloudinary-secret"


def signature(params: dict[str, str], secret: str = API_SECRET) -> str:
    to_sign = "&".join(
        f"{k}={v}".replace("&", "%26") for k, v in sorted(params.items()) if v not in ("", None)
    )
    return hashlib.sha1((to_sign + secret).encode()).hexdigest()


@dataclass
class Asset:
    public_id: str
    resource_type: str
    type: str
    data: bytes
    format: str


@dataclass
class FakeCloudinary:
    base_url: str = ""
    assets: dict[tuple[str, str, str], Asset] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    fail_uploads: bool = False
    # Uploads accepted before every further one answers 500 (a failure half-way).
    fail_uploads_after: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def asset(self, public_id: str) -> Asset | None:
        return next((a for a in self.assets.values() if a.public_id == public_id), None)


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None, str]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    file_data = None
    filename = ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            file_data = payload
            filename = part.get_filename() or ""
        else:
            fields[str(name)] = payload.decode()
    return fields, file_data, filename


def _handler(fake: FakeCloudinary) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _json(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _bytes(self, data: bytes, attachment: bool = False) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if attachment:
                self.send_header("Content-Disposition", "attachment")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _signed(self, params: dict[str, str]) -> bool:
            given = params.pop("signature", "")
            if params.pop("api_key", "") != API_KEY or given != signature(params):
                self._json(401, {"error": {"message": "Invalid Signature"}})
                return False
            return True

        def do_POST(self) -> None:
            parts = urlsplit(self.path).path.strip("/").split("/")
            if len(parts) != 4 or parts[0] != "v1_1" or parts[1] != CLOUD:
                self._json(404, {"error": {"message": "Not found"}})
                return
            resource_type, action = parts[2], parts[3]
            length = int(self.headers.get("Content-Length", "0"))
            fields, data, filename = _multipart(
                self.headers["Content-Type"], self.rfile.read(length)
            )
            fake.calls.append((action, dict(fields)))
            if not self._signed(fields):
                return
            storage_type = fields.get("type", "upload")
            public_id = fields.get("public_id", "")
            if action == "upload":
                uploads = sum(1 for done, _ in fake.calls if done == "upload")
                after = fake.fail_uploads_after
                if fake.fail_uploads or (after is not None and uploads > after):
                    self._json(500, {"error": {"message": "General Error"}})
                    return
                fmt = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
                asset = Asset(public_id, resource_type, storage_type, data or b"", fmt)
                with fake.lock:
                    fake.assets[(resource_type, storage_type, public_id)] = asset
                suffix = "" if resource_type == "raw" else f".{fmt}"
                url = f"{fake.base_url}/{CLOUD}/{resource_type}/{storage_type}/v1/{public_id}"
                self._json(
                    200,
                    {
                        "public_id": public_id,
                        "version": 1,
                        "resource_type": resource_type,
                        "type": storage_type,
                        "format": fmt,
                        "bytes": len(asset.data),
                        "url": url + suffix,
                        "secure_url": url + suffix,
                    },
                )
            elif action == "destroy":
                with fake.lock:
                    gone = fake.assets.pop((resource_type, storage_type, public_id), None)
                self._json(200, {"result": "ok" if gone else "not found"})
            else:
                self._json(404, {"error": {"message": "Unknown action"}})

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            parts = split.path.strip("/").split("/")
            if parts[:2] == ["v1_1", CLOUD] and parts[-1] == "download":
                params = dict(parse_qsl(split.query))
                if not self._signed(params):
                    return
                if int(params.get("expires_at", "0")) < time.time():
                    self._json(401, {"error": {"message": "Expired"}})
                    return
                public_id = params["public_id"]
                asset = fake.assets.get((parts[2], params.get("type", "upload"), public_id))
                if asset is None:
                    self._json(404, {"error": {"message": "Resource not found"}})
                    return
                self._bytes(asset.data, attachment=params.get("attachment") in ("1", "true"))
                return
            # Public delivery: /<cloud>/<resource_type>/upload/v1/<public_id>[.<format>]
            if len(parts) >= 5 and parts[0] == CLOUD and parts[2] == "upload":
                public_id = "/".join(parts[4:])
                if parts[1] != "raw":
                    public_id = public_id.rsplit(".", 1)[0]
                asset = fake.assets.get((parts[1], "upload", public_id))
                if asset is not None:
                    self._bytes(asset.data)
                    return
            self.send_response(404)
            self.end_headers()

    return Handler


class CloudinaryServer:
    def __init__(self) -> None:
        self.fake = FakeCloudinary()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        host, port = self.server.server_address[:2]
        self.fake.base_url = f"http://{host!s}:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeCloudinary:
        self.thread.start()
        return self.fake

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

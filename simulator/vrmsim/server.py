"""HTTPS front end: keep-alive HTTP/1.1, TCP_NODELAY, one engine lock per request."""

import json
import socket
import ssl
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from vrmsim import VERSION, alarms, control, dashboard, routes
from vrmsim.errors import VrmError

JSON_TYPE = "application/json; charset=UTF-8"
MAX_BODY = 8 * 1024 * 1024


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, engine, ssl_context=None):
        self.engine = engine
        self.ssl_context = ssl_context
        # an instance attribute, read by TCPServer when it creates the socket: IPv6 for an IPv6 address
        self.address_family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


class Headers(object):
    """Request headers: case-insensitive ``get`` and ``in``; the first of repeated names wins."""

    __slots__ = ("_items", "_index")

    def __init__(self):
        self._items = []
        self._index = {}

    def add(self, name, value):
        self._items.append((name, value))
        self._index.setdefault(name.lower(), value)

    def get(self, name, default=None):
        return self._index.get(name.lower(), default)

    def __getitem__(self, name):
        return self._index.get(name.lower())

    def __contains__(self, name):
        return name.lower() in self._index

    def items(self):
        return list(self._items)

    def keys(self):
        return [k for k, _v in self._items]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self._items)


MAX_HEADERS = 100
PLAIN_VERSIONS = (b"HTTP/1.1", b"HTTP/1.0")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vrmsim/" + VERSION
    sys_version = ""

    def parse_request(self):
        """A fast path for well-formed HTTP/1.0 and 1.1 requests; anything else goes to the
        standard parser, which answers the errors (the email-based header parser is a large part
        of a small request's cost)."""
        words = self.raw_requestline.split()
        if len(words) != 3 or words[2] not in PLAIN_VERSIONS:
            return super().parse_request()
        self.request_version = words[2].decode("ascii")
        self.command = words[0].decode("iso-8859-1")
        self.path = words[1].decode("iso-8859-1")
        self.requestline = self.raw_requestline.decode("iso-8859-1").rstrip("\r\n")
        self.close_connection = words[2] == b"HTTP/1.0"
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        headers = Headers()
        for _ in range(MAX_HEADERS + 1):
            line = self.rfile.readline(65537)
            if len(line) > 65536:
                self.send_error(431, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = line.decode("iso-8859-1").partition(":")
            if not sep or not name.strip():
                self.send_error(400, "Bad header line")
                return False
            headers.add(name.strip(), value.strip())
        else:
            self.send_error(431, "Too many headers")
            return False
        self.headers = headers
        conntype = (headers.get("Connection") or "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        if (headers.get("Expect") or "").lower() == "100-continue" and self.request_version == "HTTP/1.1":
            if not self.handle_expect_100():
                return False
        return True

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.settimeout(30)
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                raise

    def handle(self):
        try:
            super().handle()
        except (ssl.SSLError, ConnectionError, socket.timeout, OSError):
            self.close_connection = True

    def log_message(self, fmt, *args):  # quiet: the request log lives in the engine
        pass

    # -- plumbing ------------------------------------------------------------------------------
    def _send(self, status, body=None, headers=None, content_type=JSON_TYPE, raw=None):
        """Status line, headers and body in one write (one TLS record for a small answer)."""
        if raw is None and isinstance(body, bytes):
            raw = body
        elif raw is None and body is not None:
            raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.log_request(status)
        reason = "OKAY" if status == 200 else self.responses.get(status, ("",))[0]
        lines = ["%s %d %s" % (self.protocol_version, status, reason),
                 "Server: " + self.version_string().strip(), "Date: " + self.date_time_string()]
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        if raw is not None:
            lines.append("Content-Type: " + content_type)
        lines.append("Content-Length: %d" % (len(raw) if raw is not None else 0))
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        if raw is not None and self.command != "HEAD":
            head += raw
        self.wfile.write(head)

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = self._read_chunked()
        else:
            length = self.headers.get("Content-Length")
            if not length:
                return None
            try:
                n = int(length)
            except ValueError:
                self.close_connection = True     # where this body ends is unknown
                raise VrmError("10000001", "Content-Length %r is not a number." % length)
            if n < 0 or n > MAX_BODY:
                self.close_connection = True
                raise VrmError("10000001", "The request body is too large." if n > 0 else "Content-Length is negative.")
            data = self.rfile.read(n)
        if not data.strip():
            return None
        try:
            return json.loads(data.decode("utf-8-sig"))   # a leading UTF-8 byte order mark (some Windows clients send one) is skipped
        except (ValueError, UnicodeDecodeError):
            raise VrmError("10000001", "The request body is not valid JSON.")
        except RecursionError:     # nested deeper than Python's parser goes: bad input, not a reason to hang up
            raise VrmError("10000001", "The request body is nested too deeply to be read.")

    def _read_chunked(self):
        """A body sent with Transfer-Encoding: chunked (clients that stream a body of unknown length)."""
        data = b""
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise VrmError("10000001", "The chunked request body is malformed.")
            if size == 0:
                while self.rfile.readline(1024).strip():    # trailer fields, then the blank line
                    pass
                return data
            if len(data) + size > MAX_BODY:
                self.close_connection = True
                raise VrmError("10000001", "The request body is too large.")
            data += self.rfile.read(size)
            self.rfile.readline(1024)   # the CRLF after each chunk

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    # -- dispatch ------------------------------------------------------------------------------
    def _dispatch(self):
        engine = self.server.engine
        started_wall = time.time()
        t0 = time.perf_counter()
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = parse_qs(split.query, keep_blank_values=True)
        try:
            body = self._read_body()
        except VrmError as err:
            self._send(err.status, err.body())
            return
        except Exception:
            self.close_connection = True
            return
        if path.startswith("/_sim/") or path == "/_sim":
            status, out, hdrs = control.handle(engine, self.command, path, query, body)
            if isinstance(out, (bytes, str)):
                self._send(status, raw=out if isinstance(out, bytes) else out.encode("utf-8"),
                           content_type=hdrs.pop("Content-Type", "text/plain"), headers=hdrs)
            else:
                self._send(status, out, headers=hdrs)
            return
        if path in ("/", "/index.html", "/dashboard"):
            self._send(200, raw=dashboard.page().encode("utf-8"), content_type="text/html; charset=UTF-8")
            return
        status, out, hdrs = self._vrm(engine, path, query, body)
        if status is None:          # injected "drop" or "lose_answer": close without an answer
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            # the log keeps the status the request had ("lose_answer" applied it) or 0 ("drop")
            engine.log_request(self.command, path, split.query, out or 0, started_wall,
                               (time.perf_counter() - t0) * 1000)
            return
        hdrs = dict(hdrs or {})
        self._send(status, out, headers=hdrs, content_type=hdrs.pop("Content-Type", JSON_TYPE))
        engine.log_request(self.command, path, split.query, status, started_wall, (time.perf_counter() - t0) * 1000)

    def _vrm(self, engine, path, query, body):
        req = routes.Request(self.command, path, query, body, self.headers)
        delay = engine.latency
        lost = None
        with engine.lock:
            gate = engine.match_gate(self.command, path)
        if gate is not None:
            _wait_at_gate(engine, gate)
        with engine.lock:
            started = engine.now()
            try:
                engine.set_current_request(self.command, path)
                engine.tick()
                fault = engine.match_request_fault(self.command, path)
                if fault is not None:
                    ftype = fault.get("type")
                    if ftype == "drop":
                        engine.store.flush()
                        return None, None, None
                    if ftype == "error":
                        engine.store.flush()
                        return int(fault.get("status", 400)), {
                            "errorCode": str(fault.get("errorCode", "10000010")),
                            "errorDes": fault.get("errorDes", "Injected failure (vrmsim fault rule).")}, {}
                    if ftype == "token_expire":
                        engine.expire_token(self.headers.get("X-Auth-Token"))
                    if ftype == "delay":
                        delay += float(fault.get("seconds", 1))
                    if ftype == "lose_answer":      # applied below, then the answer is never sent
                        lost = fault
                rt, params = routes.match(self.command, path)
                req.params = params
                if rt.auth:
                    req.session = engine.check_token(self.headers.get("X-Auth-Token"))
                with engine.handling(self.command):
                    result = rt.fn(engine, req)
                if engine.time_mode == "instant":
                    engine.tick()
                engine.store.flush()
            except VrmError as err:
                engine.store.flush()
                result = (err.status, err.body())
            except Exception as exc:  # a bug in vrmsim: answer 500 with the VRM body, keep serving
                traceback.print_exc()
                try:
                    engine.store.flush()
                except Exception:
                    pass
                result = (500, {"errorCode": "10000010", "errorDes": "vrmsim internal error: %s" % exc})
            alarms.log_operation(engine, self.command, path, req.session or {"user": self.headers.get("X-Auth-User") or ""},
                                 result, started)
            engine.store.flush()
        if delay:
            time.sleep(delay)
        headers = {}
        if isinstance(result, tuple):
            if len(result) == 3:
                status, out, headers = result
            else:
                status, out = result
        else:
            status, out = 200, result
        if lost is not None:
            # past the client's api_timeout, or at once: either way the client never sees the answer
            time.sleep(float(lost.get("seconds", 0)))
            return None, status, None
        return status, out, headers


_GATES = threading.Condition()


def _wait_at_gate(engine, gate):
    """Hold a request (before it is applied, outside the engine lock) until ``waiters`` requests matching
    the same gate rule have arrived, or ``seconds`` have passed: concurrent clients then meet there, as
    two controllers racing for one name would."""
    gates = engine.__dict__.setdefault("gates", {})
    with _GATES:
        gates[gate["rule"]] = gates.get(gate["rule"], 0) + 1
        _GATES.notify_all()
        _GATES.wait_for(lambda: gates[gate["rule"]] >= int(gate.get("waiters", 2)),
                        timeout=float(gate.get("seconds", 30)))


def make_ssl_context(cert_file, key_file):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    return ctx

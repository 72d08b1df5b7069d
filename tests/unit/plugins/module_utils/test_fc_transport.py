# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's HTTPS transport against a real TLS server (and a CONNECT proxy) on loopback."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import select
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_client
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError


def _make_certs(directory):
    """A CA and a server certificate for 127.0.0.1/localhost, written as PEM files; returns their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "unit test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans = x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(sans, critical=False).sign(ca_key, hashes.SHA256()))
    paths = {name: str(directory / name) for name in ("ca.pem", "server.pem", "server.key")}
    pem = serialization.Encoding.PEM
    with open(paths["ca.pem"], "wb") as f:
        f.write(ca.public_bytes(pem))
    with open(paths["server.pem"], "wb") as f:
        f.write(cert.public_bytes(pem))
    with open(paths["server.key"], "wb") as f:
        f.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        server.seen.append({"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                            "raw_query": parts.query, "body": body.decode(), "peer": self.client_address[1],
                            "headers": dict(self.headers)})
        if parts.path == "/hang":
            server.release.wait(5)
            return
        out = json.dumps({"ok": True, "path": parts.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(out)))
        if parts.path == "/close-politely":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(out)
        if parts.path in ("/close-politely", "/close-silently"):
            # /close-silently: the server drops the keep-alive connection without saying so
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    paths = _make_certs(tmp_path_factory.mktemp("certs"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(paths["server.pem"], paths["server.key"])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    server.seen = []
    server.release = threading.Event()
    server.paths = paths
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()


def _client(server, **kwargs):
    kwargs.setdefault("ca_path", server.paths["ca.pem"])
    kwargs.setdefault("retries", 0)
    return fc_client.FcClient("127.0.0.1", port=server.server_address[1], token="T", **kwargs)


def test_keep_alive_query_and_headers(tls_server):
    tls_server.seen[:] = []
    c = _client(tls_server)
    assert c.get("/service/sites") == {"ok": True, "path": "/service/sites"}
    query = {"name": "web 01", "limit": 100, "offset": 0, "skip": None, "tag": ["a", "b"]}
    c.get("/service/sites/1/vms", params=query)
    c.post("/service/sites/1/vms", body={"name": "x"})
    seen = tls_server.seen
    assert len({r["peer"] for r in seen}) == 1, "three requests on one keep-alive connection"
    assert seen[1]["query"] == {"name": ["web 01"], "limit": ["100"], "offset": ["0"], "tag": ["a", "b"]}
    assert "skip" not in seen[1]["raw_query"]
    assert json.loads(seen[2]["body"]) == {"name": "x"}
    assert seen[2]["headers"]["X-Auth-Token"] == "T"
    assert seen[0]["headers"]["Accept"] == "application/json;version=8.0;charset=UTF-8"


def test_path_is_percent_encoded(tls_server):
    tls_server.seen[:] = []
    _client(tls_server).get("/service/sites/1/vms/a b")
    assert tls_server.seen[0]["path"] == "/service/sites/1/vms/a%20b"


@pytest.mark.parametrize("path", ["/close-politely", "/close-silently"])
def test_a_closed_connection_is_replaced(tls_server, path):
    tls_server.seen[:] = []
    c = _client(tls_server)
    c.get(path)
    sock = getattr(c.transport._local, "conn", None)
    if sock is not None and sock.sock is not None:
        # give the server's close time to arrive, so the idle check has something to see
        select.select([sock.sock], [], [], 2)
    assert c.get("/after") == {"ok": True, "path": "/after"}
    assert len({r["peer"] for r in tls_server.seen}) == 2


def test_untrusted_certificate_fails_with_advice(tls_server, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    c = _client(tls_server, ca_path=None, retries=3)
    with pytest.raises(fc_client.FcTlsError) as exc:
        c.get("/x")
    assert "TLS verification" in str(exc.value) and "ca_path" in str(exc.value)
    assert c.request_count == 1, "a certificate that is not trusted is not retried"
    assert _client(tls_server, ca_path=None, validate_certs=False).get("/lab") == {"ok": True, "path": "/lab"}


def test_ca_path_directory_and_bad_ca_path(tls_server, tmp_path):
    # a CA directory as `openssl rehash` makes it: the CA's PEM named after its subject hash
    cadir = tmp_path / "cas"
    cadir.mkdir()
    subject_hash = subprocess.run(["openssl", "x509", "-noout", "-subject_hash", "-in", tls_server.paths["ca.pem"]],
                                  capture_output=True, text=True, check=True).stdout.strip()
    shutil.copy(tls_server.paths["ca.pem"], str(cadir / ("%s.0" % subject_hash)))
    assert _client(tls_server, ca_path=str(cadir)).get("/dir") == {"ok": True, "path": "/dir"}
    with pytest.raises(FcError) as exc:
        _client(tls_server, ca_path=str(tmp_path / "missing.pem"))
    assert "ca_path" in str(exc.value)
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    with pytest.raises(FcError) as exc:
        _client(tls_server, ca_path=str(bad))
    assert "ca_path" in str(exc.value)


def test_timeout_names_the_option(tls_server):
    c = _client(tls_server, api_timeout=0.3)
    with pytest.raises(FcError) as exc:
        c.get("/hang")
    assert "api_timeout" in str(exc.value)


def test_a_write_whose_answer_is_lost_is_not_sent_again(tls_server, monkeypatch):
    """A POST that reached the VRM and got no answer may have been applied: no retry, and it says so."""
    monkeypatch.setattr(fc_client.FcClient, "_sleep", lambda self, attempt: None)
    tls_server.seen[:] = []
    c = _client(tls_server, api_timeout=0.3, retries=3)
    with pytest.raises(fc_client.FcAnswerLost) as exc:
        c.post("/hang", body={"name": "x"})
    assert "POST /hang was sent to the VRM" in str(exc.value)
    assert "no answer within the api_timeout of 0.3 seconds" in str(exc.value)
    assert "the VRM may have applied this write" in str(exc.value)
    assert exc.value.method == "POST" and exc.value.path == "/hang"
    assert [r["method"] for r in tls_server.seen] == ["POST"] and c.request_count == 1
    with pytest.raises(FcError) as exc:
        c.get("/hang")
    assert not isinstance(exc.value, fc_client.FcAnswerLost), "a read loses nothing"
    assert c.request_count == 5, "a GET is retried"


def test_unreachable_vrm_after_retries(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(fc_client.FcClient, "_sleep", lambda self, attempt: None)
    c = fc_client.FcClient("127.0.0.1", port=port, token="T", retries=2, validate_certs=False)
    with pytest.raises(FcError) as exc:
        c.get("/service/sites")
    assert "Cannot reach the VRM at https://127.0.0.1:%d: " % port in str(exc.value)
    assert c.request_count == 3, "a GET is tried once and retried twice"
    with pytest.raises(FcError) as exc:
        c.post("/service/sites/1/vms", body={"name": "x"})
    assert "Cannot reach the VRM" in str(exc.value), "a write that never left is not a lost answer"
    assert not isinstance(exc.value, fc_client.FcAnswerLost)


def test_unreachable_proxy_is_named(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(fc_client.FcClient, "_sleep", lambda self, attempt: None)
    c = fc_client.FcClient("vrm.example", token="T", retries=0, proxy_url="http://127.0.0.1:%d" % port)
    with pytest.raises(FcError) as exc:
        c.get("/service/sites")
    assert "Cannot reach the VRM at https://vrm.example:7443 through the proxy 127.0.0.1:%d: " % port in str(exc.value)


def test_unwritable_log_file_fails_before_any_request(tmp_path):
    with pytest.raises(FcError) as exc:
        fc_client.FcClient("vrm", token="T", log_file=str(tmp_path / "missing" / "requests.log"))
    assert "log_file %s cannot be written: No such file or directory" % (tmp_path / "missing" / "requests.log") \
        in str(exc.value)


class _Proxy(threading.Thread):
    """A CONNECT-only HTTP proxy that records what it was asked and pipes the tunnel."""

    def __init__(self, route=None, refuse=None):
        """route: (address, port) to reach whatever is asked for; refuse: a status line to answer instead."""
        super(_Proxy, self).__init__(daemon=True)
        self.route = route
        self.refuse = refuse
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.asked = []

    def run(self):
        while True:
            try:
                conn = self.sock.accept()[0]
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        lines = head.decode().split("\r\n")
        self.asked.append({"request": lines[0], "headers": dict(l.split(": ", 1) for l in lines[1:] if ": " in l)})
        if self.refuse:
            conn.sendall(self.refuse.encode() + b"\r\n\r\n")
            conn.close()
            return
        host, port = lines[0].split()[1].rsplit(":", 1)
        upstream = socket.create_connection(self.route or (host.strip("[]"), int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        socks = [conn, upstream]
        while True:
            ready = select.select(socks, [], [], 5)[0]
            if not ready:
                break
            for s in ready:
                data = s.recv(65536)
                if not data:
                    conn.close()
                    upstream.close()
                    return
                (upstream if s is conn else conn).sendall(data)


def test_proxy_tunnel_with_credentials(tls_server):
    proxy = _Proxy()
    proxy.start()
    try:
        c = _client(tls_server, proxy_url="http://ops:p%%40ss@127.0.0.1:%d" % proxy.port)
        assert c.get("/via-proxy") == {"ok": True, "path": "/via-proxy"}
        assert c.get("/again") == {"ok": True, "path": "/again"}
    finally:
        proxy.sock.close()
    assert len(proxy.asked) == 1, "one tunnel, kept alive"
    assert proxy.asked[0]["request"] == "CONNECT 127.0.0.1:%d HTTP/1.1" % tls_server.server_address[1]
    assert proxy.asked[0]["headers"]["Host"] == "127.0.0.1:%d" % tls_server.server_address[1]
    assert proxy.asked[0]["headers"]["Proxy-Authorization"] == "Basic " + base64.b64encode(b"ops:p@ss").decode()


@pytest.mark.parametrize("host", ["fd00::5", "[fd00::5]"])
def test_ipv6_vrm_through_proxy(tls_server, host):
    """The CONNECT target of an IPv6 VRM is bracketed, as requests and curl write it (RFC 9110 authority form)."""
    proxy = _Proxy(route=("127.0.0.1", tls_server.server_address[1]))
    proxy.start()
    try:
        c = fc_client.FcClient(host, port=7443, token="T", retries=0, validate_certs=False,
                               proxy_url="http://127.0.0.1:%d" % proxy.port)
        assert c.get("/v6") == {"ok": True, "path": "/v6"}
    finally:
        proxy.sock.close()
    assert proxy.asked[0]["request"] == "CONNECT [fd00::5]:7443 HTTP/1.1"
    assert proxy.asked[0]["headers"]["Host"] == "[fd00::5]:7443"
    assert tls_server.seen[-1]["headers"]["Host"] == "[fd00::5]:7443"


def test_proxy_refusing_the_tunnel_is_reported():
    proxy = _Proxy(refuse="HTTP/1.1 407 Proxy Authentication Required")
    proxy.start()
    try:
        c = fc_client.FcClient("vrm.example", token="T", retries=0, proxy_url="http://127.0.0.1:%d" % proxy.port)
        with pytest.raises(FcError) as exc:
            c.get("/x")
    finally:
        proxy.sock.close()
    assert "the proxy refused the tunnel to vrm.example:7443: HTTP/1.1 407 Proxy Authentication Required" in str(
        exc.value)


def test_proxy_from_environment_and_no_proxy(monkeypatch):
    for var in fc_client.PROXY_VARIABLES + ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    assert fc_client._proxy_for("vrm.example", 7443, None) is None
    monkeypatch.setenv("https_proxy", "proxy.example:3128")
    assert fc_client._proxy_for("vrm.example", 7443, None) == ("proxy.example", 3128, {})
    monkeypatch.setenv("no_proxy", ".example,localhost")
    assert fc_client._proxy_for("vrm.example", 7443, None) is None
    # an explicit proxy_url ignores the environment, no_proxy included
    assert fc_client._proxy_for("vrm.example", 7443, "http://other:8080") == ("other", 8080, {})
    assert fc_client._proxy_for("vrm.example", 7443, "http://other") == ("other", 80, {})


@pytest.mark.parametrize("url", ["https://proxy:3128", "socks5://proxy:1080", "http://:3128", "http://proxy:99999"])
def test_unusable_proxy_fails_before_any_request(url):
    with pytest.raises(FcError) as exc:
        fc_client.FcClient("vrm", token="T", proxy_url=url)
    assert "Proxy" in str(exc.value)


def test_proxy_password_stays_out_of_messages():
    with pytest.raises(FcError) as exc:
        fc_client.FcClient("vrm", token="T", proxy_url="https://ops:s3cr3t@proxy:3128")
    assert "s3cr3t" not in str(exc.value)
    assert "https://ops:********@proxy:3128" in str(exc.value)


def test_threads_use_their_own_connections_and_logout_closes_them(tls_server):
    from concurrent.futures import ThreadPoolExecutor
    c = _client(tls_server)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(c.get, ["/page/%d" % i for i in range(16)]))
    assert answers == [{"ok": True, "path": "/page/%d" % i} for i in range(16)]
    assert 1 <= len(c.transport._open) <= 4
    c.logout()
    assert c.transport._open == set()

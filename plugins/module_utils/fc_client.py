# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one VRM REST client of the collection (modules, inventory plugin)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import json
import os
import random
import select
import socket
import ssl
import threading
import time
from urllib.parse import quote, unquote, urlencode, urlsplit

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import SESSION_EXPIRED, FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_ratelimit import RateLimiter

ACCEPT = "application/json;version=%s;charset=UTF-8"
CONTENT_TYPE = "application/json;charset=UTF-8"
SAFE_METHODS = ("GET", "HEAD")
RETRY_STATUSES = (502, 503, 504)
SECRET_HEADERS = ("X-Auth-Key", "X-Auth-Token")
SECRET_KEYS = ("password", "bmcPassword", "vncPassword", "vncOldPassword", "domainPassword", "chapPasswd",
               "secretKey", "token", "oldPassword", "passwd")
PAGE_LIMIT = 100


def redact(value):
    """A copy of a request/answer body with secrets replaced."""
    if isinstance(value, dict):
        return {k: ("********" if k in SECRET_KEYS and v not in (None, "") else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


# What a run with validate_certs false is told, once.
INSECURE_WARNING = ("validate_certs is false: the certificate of the VRM at %s is not verified, so whoever is on the "
                    "path can read and change the traffic, the password included. Give the VRM's CA with ca_path "
                    "(or FC_CA_PATH) instead.")
PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
# Characters left as they are in a request path (what a browser leaves alone); the rest is %-encoded.
PATH_SAFE = "/:@!$&'()*+,;=-._~%"


class FcResponse(object):
    """One HTTP answer: status, headers (case-insensitive ``get``) and the whole body."""

    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        """The decoded body; ``ValueError`` when it is not JSON."""
        return json.loads(self.content.decode("utf-8"))


def _describe(exc, timeout):
    """A transport exception as a sentence (some, such as a bare timeout, have an empty text)."""
    if isinstance(exc, socket.timeout):
        return "no answer within the api_timeout of %s seconds" % timeout
    return str(exc) or exc.__class__.__name__


def _closed_while_idle(sock):
    """True when an idle keep-alive socket has something to read: the peer closed it (or misbehaves)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


class FcTlsError(FcError):
    """The VRM's certificate was not accepted (not signed by a trusted CA, or issued for another name)."""


class FcAnswerLost(FcError):
    """A write reached the VRM but its answer did not come back: the VRM may have applied it.

    Such a write is never sent again by the client (a second POST could create a second object);
    the caller re-reads the object to learn whether it took effect.
    """

    def __init__(self, message, method=None, path=None):
        self.method = method
        self.path = path
        super(FcAnswerLost, self).__init__(message)


def _check_header_value(name, value):
    """Refuse a value that cannot travel in an HTTP header (a line break would split the request)."""
    if value is None:
        return
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise FcError("%s contains a control character (such as a line break, CR or LF); it is sent in an HTTP "
                      "header and cannot hold one. Give it without." % name)
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise FcError("%s contains characters an HTTP header cannot carry (only Latin-1); give the VRM account "
                      "name as the VRM spells it in ASCII." % name)


def _open_private(path):
    """Open ``path`` for appending, creating it readable and writable by its owner only (0600)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a")


def _tls_context(validate_certs, ca_path):
    """An SSL context: the CAs of ca_path (a PEM file or a directory of them) or else the system's trust store.

    Only what is needed is loaded: reading the system's whole CA bundle costs tens of milliseconds.
    """
    if not validate_certs:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if not ca_path:
        return ssl.create_default_context()
    try:
        if os.path.isdir(ca_path):
            return ssl.create_default_context(capath=ca_path)
        return ssl.create_default_context(cafile=ca_path)
    except (OSError, ssl.SSLError) as exc:
        raise FcError("ca_path %s cannot be used as CA certificates: %s. Give a PEM file (or a directory of "
                      "them) with the CA that signed the VRM certificate." % (ca_path, exc))


def _authority(host, port):
    """``host:port`` as a request line or a Host header writes it: an IPv6 address in brackets."""
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)


def _without_password(url):
    """A proxy URL fit for a message: its password replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(":%s@" % parts.password, ":********@", 1)


def _no_proxy_entry(entry):
    """``(host, port or None)`` of one no_proxy entry: a name, ``.domain``, ``*.domain``, an address or a CIDR
    network, optionally with ``:port`` (``[addr]:port`` for IPv6)."""
    if entry.startswith("["):
        host, rest = entry[1:].partition("]")[::2]
        return host, rest[1:] or None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, port
    return entry, None


def proxy_bypassed(host, port):
    """True when no_proxy (or NO_PROXY) exempts host:port from the proxy, as requests and curl read it.

    Entries are separated by commas or spaces: ``*`` (every host), a name (it and its subdomains; a leading
    ``.`` or ``*.`` changes nothing), an IPv4 or IPv6 address, or a CIDR network (``10.0.0.0/8``,
    ``fd00::/8``) that matches addresses inside it; each may end with ``:port`` to apply to that port only.
    An address matches only address and network entries, a name only name entries.
    """
    value = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    name = host.lower().rstrip(".")
    for entry in value.replace(" ", ",").split(","):
        entry = entry.strip()
        if entry == "*":
            return True
        entry_host, entry_port = _no_proxy_entry(entry)
        if not entry_host or (entry_port is not None and entry_port != str(port)):
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry_host, strict=False):
                    return True
            except ValueError:
                pass
            continue
        entry_host = entry_host.lower().lstrip("*").lstrip(".").rstrip(".")
        if entry_host and (name == entry_host or name.endswith("." + entry_host)):
            return True
    return False


def _proxy_for(host, port, proxy_url):
    """``(proxy host, proxy port, tunnel headers)`` for reaching host:port, or None for a direct connection.

    An explicit proxy_url wins; otherwise the usual environment variables (https_proxy, all_proxy and
    no_proxy) are honoured, as curl and requests do.
    """
    if not proxy_url:
        proxy_url = next((os.environ[v] for v in PROXY_VARIABLES if os.environ.get(v)), None)
        if not proxy_url or proxy_bypassed(host, port):
            return None
    if "://" not in proxy_url:
        proxy_url = "http://" + proxy_url
    parts = urlsplit(proxy_url)
    if parts.scheme != "http" or not parts.hostname:
        raise FcError("Proxy %r is not usable: give an http://host:port proxy (HTTPS to the VRM is tunnelled "
                      "through it with CONNECT)." % _without_password(proxy_url))
    try:
        proxy_port = parts.port or 80
    except ValueError:
        raise FcError("Proxy %r has no valid port." % _without_password(proxy_url))
    headers = {}
    if parts.username is not None:
        pair = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return parts.hostname, proxy_port, headers


class _TunnelConnection(http.client.HTTPSConnection):
    """HTTPS through an HTTP proxy, with the CONNECT request written as RFC 9110 wants it.

    Python before 3.12 writes ``CONNECT fd00::5:7443 HTTP/1.0``, which a proxy cannot read; this writes
    ``CONNECT [fd00::5]:7443 HTTP/1.1`` with its Host header, as requests (urllib3) and curl do.
    """

    def _tunnel(self):
        target = _authority(self._tunnel_host, self._tunnel_port)
        lines = ["CONNECT %s HTTP/1.1" % target, "Host: %s" % target]
        lines += ["%s: %s" % item for item in self._tunnel_headers.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        answer = self.sock.makefile("rb")
        try:
            status = answer.readline(65537).decode("latin-1").strip()
            fields = status.split(None, 2)
            if len(fields) < 2 or not fields[0].startswith("HTTP/") or not fields[1].startswith("2"):
                self.close()
                raise OSError("the proxy refused the tunnel to %s: %s" % (target, status or "no answer"))
            while answer.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
        finally:
            answer.close()


def _target(path, params):
    """The request target: the path (%-encoded where needed) and the query string of params.

    Parameters whose value is None are left out; a list value repeats the parameter.
    """
    if path.startswith(("https://", "http://")):
        parts = urlsplit(path)
        path = parts.path + ("?" + parts.query if parts.query else "")
    path, query = (path.split("?", 1) + [""])[:2]
    target = quote(path, safe=PATH_SAFE)
    pairs = [(k, v) for k, v in (params or {}).items() if v is not None]
    query = "&".join(q for q in (query, urlencode(pairs, doseq=True)) if q)
    return target + ("?" + query if query else "")


class HttpTransport(object):
    """HTTPS to one VRM on keep-alive connections (one per thread), with Python's own http.client.

    A connection the VRM closed while idle is noticed before it is used again and replaced.
    """

    def __init__(self, host, port, validate_certs=True, ca_path=None, proxy_url=None, timeout=60, headers=None):
        self.host = host.strip("[]")
        self.port = port
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.context = _tls_context(validate_certs, ca_path)
        self.proxy = _proxy_for(self.host, port, proxy_url)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open = set()

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.sock is not None:
            if _closed_while_idle(conn.sock):
                self.close()
                conn = None
        if conn is None:
            if self.proxy:
                conn = _TunnelConnection(self.proxy[0], self.proxy[1], timeout=self.timeout, context=self.context)
                conn.set_tunnel(self.host, self.port, headers=self.proxy[2])
            else:
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
            self._local.conn = conn
            with self._lock:
                self._open.add(conn)
        return conn

    def close(self):
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def close_all(self):
        """Close the connections of every thread (the client is done)."""
        with self._lock:
            conns, self._open = list(self._open), set()
        self._local.conn = None
        for conn in conns:
            conn.close()

    def request(self, method, path, params=None, data=None, headers=None):
        """Send one request and read the whole answer; raises OSError/HTTPException on transport failure."""
        hdrs = dict(self.headers)
        hdrs.update(headers or {})
        body = data.encode("utf-8") if isinstance(data, str) else data
        conn = self._connection()
        try:
            conn.request(method, _target(path, params), body=body, headers=hdrs)
        except BaseException:
            self.close()
            raise
        try:
            resp = conn.getresponse()
            content = resp.read()
        except BaseException as exc:
            # the request went out: the VRM may have acted on it although no answer came back
            exc.fc_sent = True
            self.close()
            raise
        if resp.will_close:
            self.close()
        return FcResponse(resp.status, resp.headers, content)


class FcClient(object):
    """A keep-alive session to one VRM.

    ``check_mode=True`` makes the client refuse every non-GET request (defence in depth: the
    modules plan in check mode and never call a write, this makes sure of it).
    """

    def __init__(self, host, port=7443, username=None, password=None, token=None, validate_certs=True,
                 ca_path=None, proxy_url=None, api_timeout=60, log_file=None, check_mode=False,
                 user_type="2", api_version="8.0", retries=4, backoff=0.5, rate_limit=None):
        if not host:
            raise FcError("No VRM host given: set the host option or FC_HOST.")
        if not token and not (username and password):
            raise FcError("Give username and password (or FC_USERNAME and FC_PASSWORD), or a token.")
        if "://" in host or "/" in host:
            raise FcError("host %r must be a VRM address or name alone, without https:// or a path "
                          "(the port goes in the port option)." % host)
        if any(c.isspace() for c in host):
            raise FcError("host %r contains white space; give the VRM's address or name alone." % host)
        _check_header_value("username", username)
        _check_header_value("token", token)
        port = 7443 if port in (None, "") else int(port)
        if not 1 <= port <= 65535:
            raise FcError("port %d is not a TCP port (1-65535); the VRM REST API listens on 7443." % port)
        if api_timeout is not None and api_timeout <= 0:
            raise FcError("api_timeout must be a positive number of seconds, not %s." % api_timeout)
        self.base = "https://%s:%s" % (("[%s]" % host) if ":" in host and not host.startswith("[") else host, port)
        self.username = username
        self.password = password
        self.token = token
        self.own_token = False
        self.user_type = str(user_type)
        self.api_version = api_version
        self.api_timeout = api_timeout or 60
        self.check_mode = check_mode
        self.retries = retries
        self.backoff = backoff
        self.log_file = log_file
        if log_file:
            try:
                with _open_private(log_file):
                    pass
            except (IOError, OSError) as exc:
                raise FcError("log_file %s cannot be written: %s. Give a file in an existing, writable directory."
                              % (log_file, exc.strerror or exc))
        self.request_count = 0
        self.relogins = 0
        # Calls per minute shared with the other module processes of this user (fc_ratelimit).
        self.limiter = RateLimiter(rate_limit, "%s:%s" % (host, port)) if rate_limit is not None else None
        self.transport = HttpTransport(host, port, validate_certs=validate_certs, ca_path=ca_path,
                                       proxy_url=proxy_url, timeout=self.api_timeout,
                                       headers={"Accept": ACCEPT % api_version, "Content-Type": CONTENT_TYPE,
                                                "Accept-Language": "en_US"})

    # -- logging -------------------------------------------------------------------------------
    def _log(self, method, path, params, body, status, elapsed, headers=None):
        if not self.log_file:
            return
        shown = dict(headers or {})
        for h in SECRET_HEADERS:
            if h in shown:
                shown[h] = "********"
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "method": method, "path": path,
                "params": params, "body": redact(body), "status": status, "elapsed_ms": round(elapsed * 1000, 1),
                "headers": shown}
        try:
            with _open_private(self.log_file) as f:
                f.write(json.dumps(line, default=str) + "\n")
        except (IOError, OSError):
            pass

    # -- session -------------------------------------------------------------------------------
    def login(self):
        """Log in unless a token was given; return the token."""
        if self.token:
            return self.token
        return self._login()

    def _login(self):
        key = hashlib.sha256(self.password.encode("utf-8")).hexdigest()
        headers = {"X-Auth-User": self.username, "X-Auth-Key": key, "X-Auth-UserType": self.user_type,
                   "X-Auth-AuthType": "0"}
        resp = self._send("POST", "/service/session", headers=headers, body=None, auth=False, allow_write=True)
        token = resp.headers.get("X-Auth-Token")
        if resp.status_code != 200 or not token:
            err = self._error(resp, "POST", "/service/session")
            raise FcApiError("Login to the VRM at %s failed." % self.base, err.code, err.description,
                             resp.status_code, method="POST", path="/service/session")
        self.token = token
        self.own_token = True
        return token

    def logout(self):
        """Log out a session this client opened (a given token is left alone); close the connections."""
        if self.token and self.own_token:
            try:
                self._send("DELETE", "/service/session", auth=True, allow_write=True)
            except FcError:
                pass
            self.token = None
            self.own_token = False
        self.transport.close_all()

    # -- requests ------------------------------------------------------------------------------
    def _send(self, method, path, params=None, body=None, headers=None, auth=True, allow_write=False):
        if self.check_mode and method not in SAFE_METHODS and not allow_write:
            raise FcError("Refusing %s %s in check mode (the module planned a write; this is a bug)." % (
                method, path))
        hdrs = dict(headers or {})
        if auth and self.token:
            hdrs["X-Auth-Token"] = self.token
        data = json.dumps(body) if body is not None else None
        attempt = 0
        while True:
            attempt += 1
            start = time.time()
            try:
                self.request_count += 1
                if self.limiter is not None:
                    self.limiter.acquire()
                resp = self.transport.request(method, path, params=params, data=data, headers=hdrs)
            except ssl.SSLCertVerificationError as exc:
                raise FcTlsError("TLS verification of %s failed: %s. Give ca_path (FC_CA_PATH) with the VRM's CA, "
                                 "or validate_certs=false on a lab system." % (self.base, exc))
            except (OSError, http.client.HTTPException) as exc:
                self._log(method, path, params, body, None, time.time() - start, hdrs)
                if method in SAFE_METHODS and attempt <= self.retries:
                    self._sleep(attempt)
                    continue
                if method not in SAFE_METHODS and getattr(exc, "fc_sent", False) and path != "/service/session":
                    # never sent again: VRM's POSTs are not idempotent (a second create makes a second object)
                    raise FcAnswerLost("%s %s was sent to the VRM at %s but its answer was lost (%s): the VRM may "
                                       "have applied this write." % (method, path, self.base,
                                                                     _describe(exc, self.api_timeout)),
                                       method=method, path=path)
                via = " through the proxy %s:%s" % self.transport.proxy[:2] if self.transport.proxy else ""
                raise FcError("Cannot reach the VRM at %s%s: %s" % (self.base, via, _describe(exc, self.api_timeout)))
            self._log(method, path, params, body, resp.status_code, time.time() - start, hdrs)
            if resp.status_code in RETRY_STATUSES and method in SAFE_METHODS and attempt <= self.retries:
                self._sleep(attempt)
                continue
            return resp

    def _sleep(self, attempt):
        delay = min(8.0, self.backoff * (2 ** (attempt - 1)))
        time.sleep(delay * (0.5 + random.random() / 2))

    @staticmethod
    def _error(resp, method, path):
        code = desc = None
        try:
            body = resp.json()
            code = body.get("errorCode")
            desc = body.get("errorDes")
        except ValueError:
            desc = (resp.text or "")[:200]
        return FcApiError("%s %s answered HTTP %s." % (method, path, resp.status_code), code, desc,
                          resp.status_code, method=method, path=path)

    def request(self, method, path, params=None, body=None, read=False):
        """Send a request; return the decoded JSON answer (``None`` for an empty 200).

        ``read=True``: a query VRM documents with another method than GET (a security group's rules are read
        with a PUT); it changes nothing, so check mode lets it through."""
        if not self.token:
            self.login()
        resp = self._send(method, path, params=params, body=body, allow_write=read)
        if resp.status_code == 401 and self.username and self.password:
            err = self._error(resp, method, path)
            if err.code in (None, SESSION_EXPIRED):
                # One re-login when the token expired, then the request once more.
                self.relogins += 1
                self._login()
                resp = self._send(method, path, params=params, body=body, allow_write=read)
        if resp.status_code != 200:
            raise self._error(resp, method, path)
        if not resp.content or not resp.content.strip():
            return None
        try:
            return resp.json()
        except ValueError:
            raise FcApiError("%s %s answered something that is not JSON." % (method, path), status=resp.status_code)

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, body=None, params=None):
        return self.request("POST", path, params=params, body=body)

    def put(self, path, body=None, params=None):
        return self.request("PUT", path, params=params, body=body)

    def delete(self, path, params=None):
        return self.request("DELETE", path, params=params)

    def paged(self, path, key, params=None, limit=PAGE_LIMIT):
        """Yield every item of a paged list, always to the end.

        Stops when a page is shorter than ``limit`` or the offset reaches ``total`` (and keeps
        reading if VRM's total moved while paging).
        """
        offset = 0
        seen = set()
        while True:
            p = dict(params or {})
            p.update(limit=limit, offset=offset)
            answer = self.get(path, params=p) or {}
            items = answer.get(key) or []
            for it in items:
                ident = it.get("urn") if isinstance(it, dict) else None
                if ident is not None:
                    if ident in seen:
                        continue
                    seen.add(ident)
                yield it
            offset += limit
            total = answer.get("total")
            if len(items) < limit or (total is not None and offset >= int(total) and len(items) < limit):
                return
            if total is not None and offset >= int(total):
                return

    def list_all(self, path, key, params=None):
        return list(self.paged(path, key, params))

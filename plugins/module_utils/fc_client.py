# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one VRM REST client of the collection (modules, inventory plugin)."""

from __future__ import annotations

import hashlib
import json
import random
import time

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the host
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import SESSION_EXPIRED, FcApiError, FcError

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


class FcClient(object):
    """A keep-alive session to one VRM.

    ``check_mode=True`` makes the client refuse every non-GET request (defence in depth: the
    modules plan in check mode and never call a write, this makes sure of it).
    """

    def __init__(self, host, port=7443, username=None, password=None, token=None, validate_certs=True,
                 ca_path=None, proxy_url=None, api_timeout=60, log_file=None, check_mode=False,
                 user_type="2", api_version="8.0", retries=4, backoff=0.5):
        if not HAS_REQUESTS:
            raise FcError("The Python library requests is required.")
        if not host:
            raise FcError("No VRM host given: set the host option or FC_HOST.")
        if not token and not (username and password):
            raise FcError("Give username and password (or FC_USERNAME and FC_PASSWORD), or a token.")
        if "://" in host or "/" in host:
            raise FcError("host %r must be a VRM address or name alone, without https:// or a path "
                          "(the port goes in the port option)." % host)
        port = int(port or 7443)
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
        self.request_count = 0
        self.relogins = 0
        self.session = requests.Session()
        # Passed on every request: a session-level value alone loses to REQUESTS_CA_BUNDLE.
        self.verify = (ca_path or True) if validate_certs else False
        self.session.verify = self.verify
        if proxy_url:
            self.session.proxies = {"http": proxy_url, "https": proxy_url}
        self.session.trust_env = not proxy_url
        self.session.headers.update({"Accept": ACCEPT % api_version, "Content-Type": CONTENT_TYPE,
                                     "Accept-Language": "en_US"})
        if not validate_certs:
            try:
                import urllib3
                urllib3.disable_warnings()
            except ImportError:  # pragma: no cover
                pass

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
            with open(self.log_file, "a") as f:
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
        """Log out a session this client opened (a given token is left alone)."""
        if not self.token or not self.own_token:
            return
        try:
            self._send("DELETE", "/service/session", auth=True, allow_write=True)
        except (FcError, requests.RequestException):
            pass
        self.token = None
        self.own_token = False

    # -- requests ------------------------------------------------------------------------------
    def _send(self, method, path, params=None, body=None, headers=None, auth=True, allow_write=False):
        if self.check_mode and method not in SAFE_METHODS and not allow_write:
            raise FcError("Refusing %s %s in check mode (the module planned a write; this is a bug)." % (
                method, path))
        url = path if path.startswith("http") else self.base + path
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
                resp = self.session.request(method, url, params=params, data=data, headers=hdrs,
                                            timeout=self.api_timeout, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise FcError("TLS verification of %s failed: %s. Give ca_path (FC_CA_PATH) with the VRM's CA, "
                              "or validate_certs=false on a lab system." % (self.base, exc))
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._log(method, path, params, body, None, time.time() - start, hdrs)
                if method in SAFE_METHODS and attempt <= self.retries:
                    self._sleep(attempt)
                    continue
                raise FcError("Cannot reach the VRM at %s: %s" % (self.base, exc))
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

    def request(self, method, path, params=None, body=None):
        """Send a request; return the decoded JSON answer (``None`` for an empty 200)."""
        if not self.token:
            self.login()
        resp = self._send(method, path, params=params, body=body)
        if resp.status_code == 401 and self.username and self.password:
            err = self._error(resp, method, path)
            if err.code in (None, SESSION_EXPIRED):
                # One re-login when the token expired, then the request once more.
                self.relogins += 1
                self._login()
                resp = self._send(method, path, params=params, body=body)
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

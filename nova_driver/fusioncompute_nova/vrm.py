"""A small VRM REST client for the driver: one keep-alive session, one re-login, task waits.

The VRM error codes, their hints and the not-found codes come from ``vrm_errors``, which is the
collection's ``plugins/module_utils/fc_errors.py`` (a link in the source tree, a copy in the wheel):
one place for the wire knowledge of errors.
"""

import hashlib
import json
import logging
import random
import threading
import time

import requests

from fusioncompute_nova import vrm_errors

LOG = logging.getLogger(__name__)

ACCEPT = "application/json;version=%s;charset=UTF-8"
CONTENT_TYPE = "application/json;charset=UTF-8"
RUNNING_TASK_STATES = ("waiting", "running", "cancelling")
PAGE = 100


class VrmError(Exception):
    """An error answered by the VRM (or a failed VRM task), with its code and an actionable hint."""

    def __init__(self, message, code=None, description=None, status=None, task_urn=None):
        self.code = str(code) if code is not None else None
        self.description = description
        self.status = status
        self.task_urn = task_urn
        self.hint = vrm_errors.hint_for(self.code)
        super().__init__(message)

    def __str__(self):
        text = self.args[0] if self.args else "VRM error"
        if self.code:
            text += " (VRM error %s%s)" % (self.code, ": " + self.description if self.description else "")
        if self.task_urn:
            text += " [task %s]" % self.task_urn
        if self.hint:
            text += " Hint: " + self.hint
        return text

    @property
    def not_found(self):
        return self.code in vrm_errors.NOT_FOUND_CODES


class VrmUnreachable(Exception):
    """The VRM did not answer (network, TLS, time-out)."""


class VrmTimeout(Exception):
    def __init__(self, message, task_urn=None):
        self.task_urn = task_urn
        super().__init__(message)


def urn_id(urn):
    return urn.rsplit(":", 1)[-1]


class VrmClient:
    """A session to one VRM. Thread-safe enough for nova's green threads: login is serialised."""

    def __init__(self, host, port=7443, username="", password="", user_type="2", api_version="8.0",
                 ca_file=None, insecure=False, timeout=120, sleep=time.sleep):
        if not host:
            raise ValueError("[fusioncompute] fc_ip is not set: give the address of the VRM.")
        if not username or not password:
            raise ValueError("[fusioncompute] fc_user and fc_pwd must be set.")
        host = "[%s]" % host if ":" in host and not host.startswith("[") else host
        self.base = "https://%s:%d" % (host, int(port))
        self.username = username
        self.password = password
        self.user_type = str(user_type)
        self.verify = False if insecure else (ca_file or True)
        self.timeout = timeout
        self.token = None
        self.requests = 0
        self._sleep = sleep
        self._lock = threading.Lock()
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers.update({"Accept": ACCEPT % api_version, "Content-Type": CONTENT_TYPE,
                                     "Accept-Language": "en_US"})

    # -- session --------------------------------------------------------------------------------
    def login(self):
        with self._lock:
            key = hashlib.sha256(self.password.encode("utf-8")).hexdigest()
            headers = {"X-Auth-User": self.username, "X-Auth-Key": key, "X-Auth-UserType": self.user_type,
                       "X-Auth-AuthType": "0"}
            resp = self._send("POST", "/service/session", headers=headers)
            token = resp.headers.get("X-Auth-Token")
            if resp.status_code != 200 or not token:
                err = self._error(resp, "POST", "/service/session")
                raise VrmError("Login to the VRM at %s as %s failed." % (self.base, self.username), err.code,
                               err.description, resp.status_code)
            self.token = token
            return token

    def logout(self):
        if self.token:
            try:
                self._send("DELETE", "/service/session")
            except VrmUnreachable:
                pass
            self.token = None

    # -- requests -------------------------------------------------------------------------------
    def _send(self, method, path, params=None, body=None, headers=None):
        url = path if path.startswith("http") else self.base + path
        hdrs = dict(headers or {})
        if self.token and not (path == "/service/session" and method == "POST"):
            hdrs["X-Auth-Token"] = self.token
        data = json.dumps(body) if body is not None else None
        for attempt in range(1, 5):
            try:
                self.requests += 1
                return self.session.request(method, url, params=params, data=data, headers=hdrs,
                                            timeout=self.timeout, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise VrmUnreachable("TLS verification of %s failed (%s): set [fusioncompute] ca_file to the "
                                     "VRM's CA bundle." % (self.base, exc))
            except (requests.ConnectionError, requests.Timeout) as exc:
                if method != "GET" or attempt == 4:
                    raise VrmUnreachable("The VRM at %s did not answer: %s" % (self.base, exc))
                self._sleep(min(4.0, 0.25 * 2 ** attempt) * (0.5 + random.random() / 2))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _error(resp, method, path):
        code = desc = None
        try:
            body = resp.json()
            code, desc = body.get("errorCode"), body.get("errorDes")
        except ValueError:
            desc = (resp.text or "")[:200]
        return VrmError("%s %s answered HTTP %s." % (method, path, resp.status_code), code, desc, resp.status_code)

    def request(self, method, path, params=None, body=None):
        if not self.token:
            self.login()
        resp = self._send(method, path, params=params, body=body)
        if resp.status_code == 401:
            err = self._error(resp, method, path)
            if err.code in (None, vrm_errors.SESSION_EXPIRED):
                LOG.info("VRM session expired; logging in again")
                self.login()
                resp = self._send(method, path, params=params, body=body)
        if resp.status_code != 200:
            raise self._error(resp, method, path)
        if not resp.content or not resp.content.strip():
            return None
        return resp.json()

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, body=None, params=None):
        return self.request("POST", path, params=params, body=body if body is not None else {})

    def put(self, path, body=None):
        return self.request("PUT", path, body=body)

    def delete(self, path, params=None):
        return self.request("DELETE", path, params=params)

    def list_all(self, path, key, params=None):
        """Every item of a paged list, to the end."""
        out, seen, offset = [], set(), 0
        while True:
            query = dict(params or {}, limit=PAGE, offset=offset)
            answer = self.get(path, params=query) or {}
            items = answer.get(key) or []
            for item in items:
                ident = item.get("urn")
                if ident in seen:
                    continue
                seen.add(ident)
                out.append(item)
            offset += PAGE
            total = answer.get("total")
            if len(items) < PAGE or (total is not None and offset >= int(total)):
                return out

    # -- tasks ----------------------------------------------------------------------------------
    def wait(self, answer, timeout, what="task"):
        """Wait for the task of an answer (``{taskUri}``/``{taskUrn}``) and its follow-up tasks.

        Polls from 0.2 s up to 3 s. A failed task raises ``VrmError`` with the task's reason code.
        Returns the main task (its ``reason`` may hold a warning such as a failed auto-start).
        """
        if not answer or not (answer.get("taskUri") or answer.get("taskUrn")):
            return None
        uri = answer.get("taskUri") or self._task_uri(answer["taskUrn"])
        deadline = time.monotonic() + timeout
        delay = 0.2
        pending = [uri]
        main = None
        while pending:
            task = self.get(pending[0])
            status = task.get("status")
            if status in RUNNING_TASK_STATES:
                if time.monotonic() > deadline:
                    raise VrmTimeout("The VRM %s %s did not finish within %d s (progress %s%%)." % (
                        what, task.get("urn"), timeout, task.get("progress")), task.get("urn"))
                self._sleep(delay)
                delay = min(3.0, delay * 1.6)
                continue
            if status != "success":
                raise VrmError("The VRM %s %s failed." % (what, task.get("urn")), task.get("reason"),
                               task.get("reasonDes"), task_urn=task.get("urn"))
            main = main or task
            pending.pop(0)
            pending.extend(self._task_uri(u) for u in task.get("relateTaskIds") or [] if u)
        return main

    @staticmethod
    def _task_uri(urn):
        # urn:sites:<site>:tasks:<id> -> /service/sites/<site>/tasks/<id>
        parts = urn.split(":")
        return "/service/" + "/".join(parts[1:])

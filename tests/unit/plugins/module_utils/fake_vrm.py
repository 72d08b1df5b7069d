# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory fake of the VRM REST API for unit tests, plugged in place of the client's HTTP transport.

It records every request so tests can assert on what the collection sent, and can inject 503
bursts and token expiry. Integration tests use vrmsim; this fake keeps units fast and offline.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

SITE = "/service/sites/4D6B0918"
SITE_URN = "urn:sites:4D6B0918"


class FakeResponse(object):
    def __init__(self, status, body=None, headers=None):
        self.status_code = status
        self.headers = headers or {}
        self.content = json.dumps(body).encode() if body is not None else b""
        self.text = self.content.decode()

    def json(self):
        return json.loads(self.content.decode())


class FakeVrm(object):
    def __init__(self):
        self.requests = []          # (method, path, params, body)
        self.logins = 0
        self.tokens = set()
        self.fail_503 = {}          # method -> remaining 503 answers
        self.expire_next = False
        self.clusters = {}
        self.tasks = {}
        self.next_id = 1
        self.task_id = 1000

    # -- helpers ------------------------------------------------------------------------------
    def add_cluster(self, name, **fields):
        cid = str(self.next_id)
        self.next_id += 1
        urn = "%s:clusters:%s" % (SITE_URN, cid)
        obj = {"urn": urn, "uri": "%s/clusters/%s" % (SITE, cid), "name": name, "description": "",
               "isEnableDrs": False, "isEnableHa": True, "tag": ""}
        obj.update(fields)
        self.clusters[cid] = obj
        return obj

    def writes(self):
        return [r for r in self.requests if r[0] not in ("GET",) and r[1] != "/service/session"]

    def _task(self, entity):
        self.task_id += 1
        t = {"urn": "%s:tasks:%d" % (SITE_URN, self.task_id), "uri": "%s/tasks/%d" % (SITE, self.task_id),
             "status": "success", "progress": 100, "type": "ModifyCluster", "entityUrn": entity}
        self.tasks[str(self.task_id)] = t
        return {"taskUrn": t["urn"], "taskUri": t["uri"]}

    # -- the transport ------------------------------------------------------------------------
    def __call__(self, transport, method, url, params=None, data=None, headers=None):
        split = urlsplit(url)
        path = split.path
        query = dict(params or {})
        query.update({k: v[0] for k, v in parse_qs(split.query).items()})
        body = json.loads(data) if data else None
        self.requests.append((method, path, query, body))
        headers = dict(transport.headers, **(headers or {}))
        if path == "/service/session":
            if method == "POST":
                self.logins += 1
                token = "TOKEN%d" % self.logins
                self.tokens.add(token)
                return FakeResponse(200, {"validity": 600000}, {"X-Auth-Token": token})
            self.tokens.discard(headers.get("X-Auth-Token"))
            return FakeResponse(200)
        if self.fail_503.get(method):
            self.fail_503[method] -= 1
            return FakeResponse(503, {"errorCode": "10000006", "errorDes": "busy"})
        if self.expire_next:
            self.expire_next = False
            self.tokens.discard(headers.get("X-Auth-Token"))
        if headers.get("X-Auth-Token") not in self.tokens:
            return FakeResponse(401, {"errorCode": "10000002", "errorDes": "not logged in"})
        return self.route(method, path, query, body)

    def route(self, method, path, query, body):
        if path == "/service/sites" and method == "GET":
            return FakeResponse(200, {"sites": [{"urn": SITE_URN, "uri": SITE, "name": "site1"}]})
        if path == SITE + "/clusters":
            if method == "GET":
                name = query.get("name")
                items = [c for c in self.clusters.values() if not name or name.lower() in c["name"].lower()]
                return FakeResponse(200, {"clusters": items})
            if method == "POST":
                c = self.add_cluster(body["name"], **{k: v for k, v in body.items() if k != "name"})
                return FakeResponse(200, {"urn": c["urn"], "uri": c["uri"]})
        m = re.match(r"^%s/clusters/(\d+)$" % SITE, path)
        if m:
            c = self.clusters.get(m.group(1))
            if c is None:
                return FakeResponse(400, {"errorCode": "10300028", "errorDes": "cluster does not exist"})
            if method == "GET":
                return FakeResponse(200, c)
            if method == "PUT":
                c.update(body or {})
                return FakeResponse(200, self._task(c["urn"]))
            if method == "DELETE":
                del self.clusters[m.group(1)]
                return FakeResponse(200)
        if path == SITE + "/tasks" and method == "GET":
            tasks = [t for t in self.tasks.values()
                     if t["entityUrn"] == query.get("entityUrn") and t["status"] == query.get("status")]
            return FakeResponse(200, {"total": len(tasks), "tasks": tasks})
        m = re.match(r"^%s/tasks/(\d+)$" % SITE, path)
        if m and method == "GET":
            return FakeResponse(200, self.tasks[m.group(1)])
        return FakeResponse(404, {"errorCode": "vrmsim.not_implemented", "errorDes": path})


def install(monkeypatch, fake=None):
    """Route every request of the client's transport through a FakeVrm; return it."""
    from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import HttpTransport
    fake = fake or FakeVrm()

    def request(transport, method, url, **kwargs):
        return fake(transport, method, url, **kwargs)
    monkeypatch.setattr(HttpTransport, "request", request)
    return fake

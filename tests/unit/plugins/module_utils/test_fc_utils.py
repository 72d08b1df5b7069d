# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_client, fc_identity, fc_naming, fc_tasks
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, FcTimeout, hint_for
from ansible_collections.fusioncompute.core.tests.unit.plugins.module_utils import fake_vrm


def test_urn_uri_round_trip():
    urn = "urn:sites:4D6B0918:dvswitchs:1:portgroups:7"
    uri = fc_identity.urn_to_uri(urn)
    assert uri == "/service/sites/4D6B0918/dvswitchs/1/portgroups/7"
    assert fc_identity.uri_to_urn(uri) == urn
    parsed = fc_identity.parse_urn(urn)
    assert parsed == {"site": "4D6B0918", "dvswitchs": "1", "portgroups": "7", "kind": "portgroups", "id": "7"}
    assert fc_identity.parse_urn("urn:sites:4D6B0918:vms:i-0000050E")["id"] == "i-0000050E"
    with pytest.raises(FcError):
        fc_identity.urn_to_uri("/service/sites/1")


def test_exact_name_and_ambiguity():
    items = [{"name": "web", "urn": "u:2"}, {"name": "web", "urn": "u:1"}, {"name": "web-2", "urn": "u:3"}]
    with pytest.raises(fc_identity.AmbiguousName) as exc:
        fc_identity.exact(items, "web")
    assert "u:1" in str(exc.value) and "u:2" in str(exc.value)
    assert fc_identity.exact(items, "web", match="first")["urn"] == "u:1"
    assert fc_identity.exact(items, "WEB") is None


def test_snake_case_keys():
    assert fc_naming.snake_keys({"dataStoreUrns": [{"quantityMB": 1}], "cpuMHz": 2}) == {
        "data_store_urns": [{"quantity_mb": 1}], "cpu_mhz": 2}


def test_redaction_and_log_file(tmp_path, monkeypatch):
    fake = fake_vrm.install(monkeypatch)
    log = tmp_path / "req.log"
    c = fc_client.FcClient("vrm", username="admin", password="s3cr3t", log_file=str(log), validate_certs=False)
    c.get("/service/sites")
    c.request("POST", fake_vrm.SITE + "/clusters", body={"name": "x", "bmcPassword": "hunter2"})
    text = log.read_text()
    assert "s3cr3t" not in text and "hunter2" not in text and "TOKEN1" not in text
    lines = [json.loads(x) for x in text.splitlines()]
    assert lines[-1]["body"]["bmcPassword"] == "********"
    assert stat.S_IMODE(os.stat(str(log)).st_mode) == 0o600, "the log is its owner's alone"


@pytest.mark.parametrize("kwargs, text", [
    ({"host": "https://vrm.example.com"}, "without https://"),
    ({"host": "vrm.example.com/service"}, "without https://"),
    ({"host": "vrm example.com"}, "contains white space"),
    ({"host": "vrm", "port": 99999}, "not a TCP port"),
    ({"host": "vrm", "port": -1}, "not a TCP port"),
    ({"host": "vrm", "api_timeout": 0}, "api_timeout must be a positive"),
    ({"host": "vrm", "username": "admin\r\nX-Other: 1"}, "username contains a control character"),
    ({"host": "vrm", "username": "ad\nmin"}, "username contains a control character"),
    ({"host": "vrm", "username": "\u7ba1\u7406"}, "username contains characters an HTTP header cannot carry"),
    ({"host": "vrm", "token": "T\r\n"}, "token contains a control character"),
])
def test_bad_connection_options_fail_before_any_request(monkeypatch, kwargs, text):
    fake = fake_vrm.install(monkeypatch)
    kwargs.setdefault("username", "a")
    with pytest.raises(FcError, match=text):
        fc_client.FcClient(password="b", **kwargs)
    assert fake.requests == []


def test_check_mode_client_refuses_writes(monkeypatch):
    fake_vrm.install(monkeypatch)
    c = fc_client.FcClient("vrm", username="a", password="b", check_mode=True, validate_certs=False)
    c.get("/service/sites")
    with pytest.raises(FcError):
        c.post(fake_vrm.SITE + "/clusters", body={"name": "x"})


def test_paging_reaches_the_end(monkeypatch):
    class Pager(fake_vrm.FakeVrm):
        def route(self, method, path, query, body):
            total = 250
            off, lim = int(query["offset"]), int(query["limit"])
            items = [{"urn": "u:%d" % i} for i in range(off, min(total, off + lim))]
            return fake_vrm.FakeResponse(200, {"total": total, "vms": items})
    fake = fake_vrm.install(monkeypatch, Pager())
    c = fc_client.FcClient("vrm", username="a", password="b", validate_certs=False)
    items = c.list_all(fake_vrm.SITE + "/vms", "vms")
    assert len(items) == 250
    assert [int(r[2]["offset"]) for r in fake.requests if r[0] == "GET"] == [0, 100, 200]


class FakeClient(object):
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def get(self, path, params=None):
        self.calls.append((path, params))
        return self.answers.pop(0)


def test_waiter_backoff_and_success():
    sleeps = []
    now = [0.0]

    def sleep(s):
        sleeps.append(s)
        now[0] += s
    running = {"urn": "urn:sites:S:tasks:1", "uri": "/service/sites/S/tasks/1", "status": "running", "progress": 10}
    done = dict(running, status="success", progress=100)
    w = fc_tasks.TaskWaiter(FakeClient([running] * 6 + [done]), timeout=60, max_poll=1.0, sleep=sleep,
                            clock=lambda: now[0])
    res = w.wait({"taskUri": running["uri"]})
    assert res["status"] == "success" and res["progress"] == 100
    assert sleeps == [0.2, 0.4, 0.8, 1.0, 1.0, 1.0]


def test_waiter_failure_carries_code_and_urn():
    failed = {"urn": "urn:sites:S:tasks:2", "uri": "/service/sites/S/tasks/2", "status": "failed",
              "reason": "10800103", "reasonDes": "VM failed to start", "type": "StartVmTask"}
    w = fc_tasks.TaskWaiter(FakeClient([failed]), timeout=5, sleep=lambda s: None)
    with pytest.raises(FcApiError) as exc:
        w.wait({"taskUri": failed["uri"]})
    assert exc.value.code == "10800103" and exc.value.task_urn == failed["urn"]
    assert "10800103" in str(exc.value)


def test_waiter_timeout():
    now = [0.0]

    def sleep(s):
        now[0] += s
    running = {"urn": "urn:sites:S:tasks:3", "uri": "/service/sites/S/tasks/3", "status": "running", "progress": 5}
    w = fc_tasks.TaskWaiter(FakeClient([running] * 100), timeout=3, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(FcTimeout) as exc:
        w.wait({"taskUri": running["uri"]})
    assert exc.value.task_urn == running["urn"]


def test_waiter_follow_up_tasks():
    deploy = {"urn": "urn:sites:S:tasks:4", "uri": "/service/sites/S/tasks/4", "status": "success",
              "entityUrn": "urn:sites:S:vms:i-1"}
    inject = {"urn": "urn:sites:S:tasks:5", "uri": "/service/sites/S/tasks/5", "status": "running",
              "entityUrn": "urn:sites:S:vms:i-1", "type": "InjectCustomizationTask"}
    answers = [deploy, {"tasks": [inject]}, dict(inject, status="success"), {"tasks": []}]
    client = FakeClient(answers)
    res = fc_tasks.TaskWaiter(client, timeout=10, sleep=lambda s: None).wait({"taskUri": deploy["uri"]},
                                                                             follow_up=True)
    assert [t["urn"] for t in res["follow_up"]] == [inject["urn"]]
    assert client.calls[1] == ("/service/sites/S/tasks", {"entityUrn": "urn:sites:S:vms:i-1", "status": "running"})


def test_error_hints():
    assert "already running" in hint_for("10300094")
    err = FcApiError("start failed", "10300094", "VM is running", 400)
    assert "10300094" in str(err) and "Hint" in str(err)
    assert hint_for("99999999") == ""

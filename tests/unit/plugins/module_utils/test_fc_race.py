# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The creation lock, the order twins are judged in, and waiting for an object's running tasks."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_race, fc_tasks
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, FcTimeout


def test_creation_lock_serialises_one_name(tmp_path, monkeypatch):
    monkeypatch.setenv("FC_LOCK_DIR", str(tmp_path / "locks"))
    first = fc_race.CreationLock("vrm:7443", "vm", "web01", 600)
    assert first.acquire() is None
    assert stat.S_IMODE(os.stat(first.path).st_mode) == 0o600
    assert open(first.path).read() == "%d vm 'web01'\n" % os.getpid()
    other = fc_race.CreationLock("vrm:7443", "vm", "web02", 600)
    assert other.acquire() is None, "another name does not wait"
    other.release()
    clock = iter(range(0, 1000, 10))
    second = fc_race.CreationLock("vrm:7443", "vm", "web01", 30, sleep=lambda s: None, clock=lambda: next(clock))
    with pytest.raises(FcError) as exc:
        second.acquire()
    assert "Another run on this controller has been creating vm 'web01' for more than 30 seconds" in str(exc.value)
    assert first.path in str(exc.value)
    first.release()
    assert second.acquire() is None, "free once the first run let go"
    second.release()


def test_creation_lock_without_a_writable_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("FC_LOCK_DIR", str(blocker / "locks"))
    trouble = fc_race.CreationLock("vrm:7443", "volume", "v1", 600).acquire()
    assert "cannot make the lock file" in trouble and "FC_LOCK_DIR" in trouble


def test_twins_are_judged_oldest_first():
    a = {"urn": "urn:sites:S:vms:i-0000000A", "createTime": "2026-01-01 10:00:00"}
    b = {"urn": "urn:sites:S:vms:i-00000009", "createTime": "2026-01-01 10:00:01"}
    c = {"urn": "urn:sites:S:vms:i-0000000B", "createTime": "2026-01-01 10:00:00"}
    assert fc_race.oldest([b, c, a]) is a
    assert fc_race.oldest([{"urn": "urn:sites:S:volumes:10"}, {"urn": "urn:sites:S:volumes:9"}])["urn"].endswith(":9")


class Tasks(object):
    """Answers ``GET <site>/tasks?entityUrn&status`` from a list of task lists, and task polls from a dict."""

    def __init__(self, lists, polls):
        self.lists = list(lists)
        self.polls = polls
        self.calls = []

    def get(self, path, params=None):
        self.calls.append((path, params))
        if path.endswith("/tasks"):
            return {"tasks": self.lists.pop(0)}
        return self.polls[path].pop(0)


VM = "urn:sites:S:vms:i-1"
CREATE = {"urn": "urn:sites:S:tasks:7", "uri": "/service/sites/S/tasks/7", "entityUrn": VM, "entityName": "web01",
          "type": "CreateVm", "status": "running", "progress": 40}


def test_settle_waits_for_the_objects_running_tasks():
    client = Tasks([[], [CREATE], [], []], {CREATE["uri"]: [dict(CREATE), dict(CREATE, status="success")]})
    done = fc_tasks.TaskWaiter(client, timeout=60, sleep=lambda s: None).settle("/service/sites/S", VM)
    assert [t["status"] for t in done] == ["success"]
    assert client.calls[0] == ("/service/sites/S/tasks", {"entityUrn": VM, "status": "waiting"})
    assert client.calls[1] == ("/service/sites/S/tasks", {"entityUrn": VM, "status": "running"})
    assert fc_tasks.TaskWaiter(Tasks([[], []], {}), timeout=60).settle("/service/sites/S", VM) == []


def test_settle_fails_saying_the_object_is_not_ready():
    ticks = iter(range(0, 100000, 5))
    client = Tasks([[], [CREATE]], {CREATE["uri"]: [dict(CREATE)] * 100})
    waiter = fc_tasks.TaskWaiter(client, timeout=20, sleep=lambda s: None, clock=lambda: next(ticks))
    with pytest.raises(FcTimeout) as exc:
        waiter.settle("/service/sites/S", VM)
    assert "web01 is not ready: VRM task urn:sites:S:tasks:7 (CreateVm) still runs on it after 20 seconds" \
        in str(exc.value)
    assert exc.value.task_urn == CREATE["urn"]
    failed = Tasks([[], [CREATE]], {CREATE["uri"]: [dict(CREATE, status="failed", reason="10300015")]})
    with pytest.raises(FcApiError) as exc:
        fc_tasks.TaskWaiter(failed, timeout=20, sleep=lambda s: None).settle("/service/sites/S", VM)
    assert exc.value.code == "10300015"

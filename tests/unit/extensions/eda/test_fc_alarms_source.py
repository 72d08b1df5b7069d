# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fc_alarms event source: its cursor (no duplicates across restarts), its arguments, its error handling."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from ansible_collections.fusioncompute.core.extensions.eda.plugins.event_source import fc_alarms


def alarm(serial, sync, cleared=False, level="1"):
    return {"iSerialNo": serial, "iSyncNo": sync, "svAlarmID": "15.1007003", "svAlarmName": "Host fault",
            "iAlarmLevel": level, "objectUrn": "urn:sites:1:hosts:%d" % serial, "urnByName": "cna-%d" % serial,
            "svMoc": "hosts", "dtOccurTime": "1000", "dtClearTime": "2000" if cleared else ""}


def kinds(events):
    return [(e["fc_alarm"]["serial"], e["fc_alarm"]["type"]) for e in events]


def test_first_start_reports_active_alarms_not_old_history(tmp_path):
    cursor = fc_alarms.Cursor(str(tmp_path / "state.json"))
    events = cursor.events([alarm(2, 5), alarm(1, 3)], [alarm(9, 4, cleared=True)])
    assert kinds(events) == [(1, "new"), (2, "new")]
    assert events[0]["fc_alarm"]["severity"] == "critical" and events[0]["fc_alarm"]["occur_time"] == 1000
    assert cursor.history_sync == 4 and 9 in cursor.cleared


def test_first_start_without_existing(tmp_path):
    cursor = fc_alarms.Cursor(str(tmp_path / "state.json"))
    assert cursor.events([alarm(1, 3)], [], emit_existing=False) == []
    assert kinds(cursor.events([alarm(1, 3), alarm(2, 6)], [])) == [(2, "new")]


def test_restart_reports_nothing_twice(tmp_path):
    path = str(tmp_path / "state.json")
    cursor = fc_alarms.Cursor(path)
    assert kinds(cursor.events([alarm(1, 3)], [])) == [(1, "new")]
    cursor.save()
    again = fc_alarms.Cursor(path)              # the rulebook restarted
    assert again.started and again.events([alarm(1, 3)], []) == []
    # cleared while it was stopped: reported as cleared once, even when later acknowledged (sync moves on)
    assert kinds(again.events([], [alarm(1, 7, cleared=True)])) == [(1, "cleared")]
    again.save()
    third = fc_alarms.Cursor(path)
    assert third.events([], [alarm(1, 9, cleared=True)]) == []
    assert json.load(open(path))["history_sync"] == 7


def test_raised_and_cleared_between_two_polls(tmp_path):
    cursor = fc_alarms.Cursor(str(tmp_path / "state.json"))
    cursor.events([], [])
    events = cursor.events([], [alarm(4, 8, cleared=True)])
    assert kinds(events) == [(4, "new"), (4, "cleared")]
    assert events[1]["fc_alarm"]["clear_time"] == 2000


def test_state_is_bounded_and_written_atomically(tmp_path):
    path = str(tmp_path / "sub" / "state.json")
    cursor = fc_alarms.Cursor(path)
    cursor.new = set(range(1, fc_alarms.KEEP + 50))
    cursor.save()
    data = json.load(open(path))
    assert len(data["new"]) == fc_alarms.KEEP and data["new"][0] == 50
    assert os.listdir(os.path.dirname(path)) == ["state.json"]       # no temporary file left


def test_settings_from_arguments_and_environment(monkeypatch):
    monkeypatch.setenv("FC_HOST", "vrm.example.com")
    monkeypatch.setenv("FC_USERNAME", "eda")
    monkeypatch.setenv("FC_PASSWORD", "secret")
    monkeypatch.setenv("FC_VALIDATE_CERTS", "false")
    conf = fc_alarms.settings({"severity": ["critical", "minor"], "interval": 3})
    assert (conf["host"], conf["port"], conf["validate_certs"], conf["levels"]) == \
        ("vrm.example.com", 7443, False, ["1", "3"])
    assert conf["state_file"].endswith(os.path.join("fc_alarms", "vrm.example.com_7443.json"))
    with pytest.raises(ValueError, match="severity"):
        fc_alarms.settings({"severity": ["loud"]})
    with pytest.raises(ValueError, match="interval"):
        fc_alarms.settings({"interval": 0})
    monkeypatch.delenv("FC_PASSWORD")
    with pytest.raises(ValueError, match="password"):
        fc_alarms.settings({})


class FakeVrm(object):
    """Fails the first ``failures`` polls, then answers ``active``."""

    instances = []

    def __init__(self, *args):
        self.failures = 2
        self.polls = 0
        self.token = "t"
        self.logged_out = False
        FakeVrm.instances.append(self)

    def active(self, levels):
        self.polls += 1
        if self.polls <= self.failures:
            raise fc_alarms.VrmError("HTTP 503", 503)
        return [alarm(1, 3, level="2"), alarm(2, 4, level="1")]

    def history_since(self, sync_no, levels):
        return []

    def logout(self):
        self.logged_out = True


def test_main_reconnects_after_errors_and_emits(tmp_path, monkeypatch):
    monkeypatch.setattr(fc_alarms, "Vrm", FakeVrm)
    queue = asyncio.Queue()
    args = {"host": "vrm", "username": "u", "password": "p", "interval": 0.01, "reconnect_delay": 0.01,
            "reconnect_max_delay": 0.02, "state_file": str(tmp_path / "state.json")}

    async def run():
        task = asyncio.ensure_future(fc_alarms.main(queue, args))
        got = [await asyncio.wait_for(queue.get(), 5), await asyncio.wait_for(queue.get(), 5)]
        await asyncio.sleep(0.1)              # more polls: nothing new
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return got

    got = asyncio.run(run())
    vrm = FakeVrm.instances[-1]
    assert kinds(got) == [(1, "new"), (2, "new")] and queue.empty()
    assert vrm.polls > 3 and vrm.logged_out
    assert json.load(open(str(tmp_path / "state.json")))["new"] == [1, 2]

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.modules import fc_resource

CREATE = {"path": "clusters", "name": "c1", "body": {"name": "c1", "description": "batch", "isEnableDrs": True}}


def test_check_mode_create_sends_no_write(vrm, run_module):
    result, failed = run_module(fc_resource, CREATE, check_mode=True)
    assert not failed and result["changed"] is True
    assert vrm.writes() == []
    assert vrm.clusters == {}
    assert all(r[0] == "GET" or r[1] == "/service/session" for r in vrm.requests)


def test_check_mode_result_equals_real_run(vrm, run_module):
    check, dummy = run_module(fc_resource, CREATE, check_mode=True)
    real, dummy = run_module(fc_resource, CREATE)
    assert check["changed"] is True and real["changed"] is True
    assert check["diff"] == real["diff"]
    assert [c["name"] for c in vrm.clusters.values()] == ["c1"]
    upd = dict(CREATE, body={"name": "c1", "description": "nightly"})
    check, dummy = run_module(fc_resource, upd, check_mode=True)
    assert vrm.clusters["1"]["description"] == "batch"
    real, dummy = run_module(fc_resource, upd)
    assert check["changed"] and real["changed"] and check["diff"] == real["diff"]
    assert real["diff"] == {"before": {"description": "batch"}, "after": {"description": "nightly"}}
    assert vrm.clusters["1"]["description"] == "nightly"


def test_second_run_reports_no_change(vrm, run_module):
    run_module(fc_resource, CREATE)
    writes = len(vrm.writes())
    again, failed = run_module(fc_resource, CREATE)
    assert not failed and again["changed"] is False
    assert again["diff"] == {"before": {}, "after": {}}
    assert len(vrm.writes()) == writes


def test_ambiguous_name_lists_urns(vrm, run_module):
    a = vrm.add_cluster("dup")
    b = vrm.add_cluster("dup")
    vrm.add_cluster("dup-other")
    result, failed = run_module(fc_resource, {"path": "clusters", "name": "dup", "body": {"description": "x"}})
    assert failed
    assert a["urn"] in result["msg"] and b["urn"] in result["msg"] and "dup-other" not in result["msg"]
    assert vrm.writes() == []
    result, failed = run_module(fc_resource, {"path": "clusters", "name": "dup", "name_match": "first",
                                              "body": {"description": "x"}})
    assert not failed and result["urn"] == a["urn"]


def test_fuzzy_match_is_not_taken_for_the_object(vrm, run_module):
    vrm.add_cluster("prod-east")
    result, failed = run_module(fc_resource, dict(CREATE, name="prod", body={"name": "prod"}), check_mode=True)
    assert not failed and result["changed"] is True and result["diff"]["before"] == {}


def test_token_expiry_relogs_in_exactly_once(vrm, run_module):
    vrm.add_cluster("c1", description="batch", isEnableDrs=True)
    vrm.expire_next = True
    result, failed = run_module(fc_resource, CREATE)
    assert not failed and result["changed"] is False
    assert vrm.logins == 2


def test_503_burst_retried_for_get_not_for_post(vrm, run_module):
    vrm.fail_503["GET"] = 2
    result, failed = run_module(fc_resource, CREATE)
    assert not failed and result["changed"] is True
    gets_503 = [r for r in vrm.requests if r[0] == "GET"]
    assert len(gets_503) >= 3
    vrm.fail_503["POST"] = 1
    logins = vrm.logins
    result, failed = run_module(fc_resource, dict(CREATE, name="c2", body={"name": "c2"}))
    assert failed and "503" in result["msg"]
    posts = [r for r in vrm.requests if r[0] == "POST" and r[1].endswith("/clusters")]
    assert len(posts) == 1 + 1   # c1 earlier, one attempt for c2 (no retry)
    assert vrm.logins == logins + 1


def test_delete_and_absent_is_idempotent(vrm, run_module):
    vrm.add_cluster("c1")
    check, dummy = run_module(fc_resource, {"path": "clusters", "name": "c1", "state": "absent"}, check_mode=True)
    assert check["changed"] and vrm.clusters
    real, dummy = run_module(fc_resource, {"path": "clusters", "name": "c1", "state": "absent"})
    assert real["changed"] and not vrm.clusters and check["diff"] == real["diff"]
    again, dummy = run_module(fc_resource, {"path": "clusters", "name": "c1", "state": "absent"})
    assert again["changed"] is False


def test_raw_request_mode(vrm, run_module):
    result, failed = run_module(fc_resource, {"state": "request", "method": "GET", "path": "clusters"})
    assert not failed and result["changed"] is False and result["response"] == {"clusters": []}
    result, failed = run_module(fc_resource, {"state": "request", "method": "POST", "path": "clusters",
                                              "body": {"name": "raw"}}, check_mode=True)
    assert result["changed"] and vrm.writes() == []


def test_missing_credentials_fail_before_any_request(vrm, run_module):
    result, failed = run_module(fc_resource, dict(CREATE, username=None, password=None))
    assert failed and "username" in result["msg"] and vrm.requests == []


@pytest.mark.parametrize("option, value, words", [
    ("timeout", -3, "timeout must be at least 1 second, not -3."),
    ("timeout", 0, "timeout must be at least 1 second, not 0."),
    ("api_timeout", 0, "api_timeout must be at least 1 second, not 0."),
    ("poll_interval", 0, "poll_interval must be above 0 seconds"),
    ("name", " ", "name must not be empty"),
    ("name", "n" * 257, "name has 257 characters; VRM names are 1 to 256 characters."),
])
def test_unusable_values_fail_before_any_request(vrm, run_module, option, value, words):
    result, failed = run_module(fc_resource, dict(CREATE, **{option: value}))
    assert failed and words in result["msg"]
    assert vrm.requests == []

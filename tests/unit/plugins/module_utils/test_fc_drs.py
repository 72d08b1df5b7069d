# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs


def test_rule_views_name_groups_and_kinds():
    groups = {"urn:g:1": {"name": "web-vms"}, "urn:g:2": {"name": "rack-a"}}
    apart = {"ruleName": "apart", "ruleIndex": 3, "ruleType": 2, "vms": [{"urn": "u2", "name": "b"}, {"urn": "u1", "name": "a"}],
             "createTime": "t0", "updateTime": "t1"}
    pin = {"ruleName": "pin", "ruleIndex": 4, "ruleType": 3, "vm2HostRuleType": 4, "vms": [],
           "vmGroupUrn": "urn:g:1", "hostGroupUrn": "urn:g:2"}
    assert fc_drs.rule_view(apart, groups) == {
        "name": "apart", "index": 3, "type": "anti_affinity", "vms": ["a", "b"], "vm_group": None,
        "host_group": None, "host_rule": None, "created": "t0", "updated": "t1"}
    view = fc_drs.rule_view(pin, groups)
    assert (view["type"], view["vm_group"], view["host_group"], view["host_rule"], view["vms"]) == \
        ("vm_host", "web-vms", "rack-a", "should_not", [])


def test_group_view_sorts_members_and_names_the_type():
    members = [{"urn": "h2", "name": "cna-02"}, {"urn": "h1", "name": "cna-01"}]
    g = {"name": "rack-a", "urn": "urn:g:2", "type": 1, "groupMembers": members}
    assert fc_drs.group_view(g) == {"name": "rack-a", "urn": "urn:g:2", "type": "host", "members": ["cna-01", "cna-02"]}


def test_recommendations_follow_their_dependences():
    recs = [{"urn": "r3", "dependences": ["r1", "r2"]}, {"urn": "r2", "dependences": ["r1"]}, {"urn": "r1"},
            {"urn": "r4", "dependences": ["gone"]}]
    assert [r["urn"] for r in fc_drs.ordered(recs)] == ["r1", "r4", "r2", "r3"]


def test_a_dependence_cycle_keeps_the_given_order():
    recs = [{"urn": "a", "dependences": ["b"]}, {"urn": "b", "dependences": ["a"]}]
    assert [r["urn"] for r in fc_drs.ordered(recs)] == ["a", "b"]


def test_recommendation_view():
    rec = {"urn": "r1", "type": "migrateVm", "reason": "RULES", "createTime": "t", "dependences": None,
           "vmRecommendation": {"vmName": "web-b", "vmUrn": "u", "sourceHostName": "h1", "destinationHostName": "h3"}}
    assert fc_drs.recommendation_view(rec) == {
        "urn": "r1", "type": "migrateVm", "reason": "RULES", "created": "t", "vm": "web-b", "vm_urn": "u",
        "source_host": "h1", "destination_host": "h3", "depends_on": []}

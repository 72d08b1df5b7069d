# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security group rules in their normal form, address pools, and the odd task answers of NIC calls."""

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_client, fc_ip_pool, fc_secgroup, fc_tasks
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.tests.unit.plugins.module_utils import fake_vrm


def _rule(**kw):
    base = {"protocol": "tcp", "ports": None, "icmp_type": None, "icmp_code": None, "remote": None,
            "remote_group": None, "direction": "ingress"}
    base.update(kw)
    return base


@pytest.mark.parametrize("a,b", [
    (_rule(ports=443, remote="10.0.0.0/24"), _rule(ports="443-443", remote="10.0.0.0/255.255.255.0")),
    (_rule(ports=80, remote="10.0.0.5"), _rule(ports="80", remote="10.0.0.5-10.0.0.5")),
    (_rule(protocol="any", remote="0.0.0.0-255.255.255.255"), _rule(protocol="any", remote="0.0.0.0 - 255.255.255.255")),
])
def test_rules_written_differently_are_one_rule(a, b):
    assert fc_secgroup.rule_key(fc_secgroup.wanted_rule(0, a, {})) == fc_secgroup.rule_key(
        fc_secgroup.wanted_rule(1, b, {}))


def test_a_vrm_rule_reads_back_as_the_wanted_one():
    wanted = fc_secgroup.wanted_rule(0, _rule(ports="8000-8080", remote="192.0.2.0/24"), {})
    body = fc_secgroup.rule_body(wanted)
    assert body == {"ipProtocol": "TCP", "fromPort": 8000, "toPort": 8080, "direction": 0,
                    "ipRanges": "192.0.2.0/255.255.255.0"}
    listed = dict(body, rulesId=7, securityGroupId=3, ipVersion=4)
    back = fc_secgroup.vrm_rule(listed, {})
    assert fc_secgroup.rule_key(back) == fc_secgroup.rule_key(wanted) and back["id"] == 7
    group = fc_secgroup.wanted_rule(0, _rule(ports=22, remote_group="web"), {"web": 4})
    assert fc_secgroup.rule_body(group)["allowedSGID"] == 4
    assert fc_secgroup.public_rule(fc_secgroup.vrm_rule(dict(fc_secgroup.rule_body(group), rulesId=1),
                                                        {4: "web"})) == {
        "protocol": "tcp", "direction": "ingress", "ports": "22", "remote_group": "web", "id": 1}


@pytest.mark.parametrize("rule,text", [
    (_rule(protocol="gre", remote="10.0.0.0/24"), "not one of tcp"),
    (_rule(ports=65536, remote="10.0.0.0/24"), "0 to 65535"),
    (_rule(ports="-1", remote="10.0.0.0/24"), "not a port"),
    (_rule(ports="90-80", remote="10.0.0.0/24"), "starts after it ends"),
    (_rule(ports=80, remote="10.0.0.9-10.0.0.1"), "starts after it ends"),
    (_rule(ports=80, remote="10.0.0.0/0"), "/1 to /31"),
    (_rule(ports=80, remote="10.0.0.3/30"), "host bits"),
    (_rule(ports=80, remote="fe80::/64"), "not an IPv4"),
    (_rule(ports=80), "exactly one of remote"),
    (_rule(ports=80, remote="10.0.0.0/24", remote_group="web"), "exactly one of remote"),
    (_rule(protocol="icmp", icmp_type=8, remote="10.0.0.0/24"), "icmp_code must be given"),
    (_rule(protocol="icmp", icmp_type=300, icmp_code=0, remote="10.0.0.0/24"), "icmp_type must be given, 0 to 255"),
    (_rule(protocol="icmp", icmp_type=8, icmp_code=0, ports=1, remote="10.0.0.0/24"), "not ports"),
    (_rule(ports=22, icmp_type=8, remote="10.0.0.0/24"), "are for protocol icmp"),
])
def test_bad_rules_are_refused(rule, text):
    with pytest.raises(FcError, match=text):
        fc_secgroup.check_rules([rule])


def test_the_same_rule_twice_is_refused():
    with pytest.raises(FcError, match=r"rules\[1\] is the same rule as rules\[0\]"):
        fc_secgroup.check_rules([_rule(ports=22, remote="10.0.0.0/8"), _rule(ports="22", remote="10.0.0.0/255.0.0.0")])


def test_pool_sizes_exclusions_and_overlaps():
    pool = fc_ip_pool.Pool(["192.0.2.0/29"], ["198.51.100.1-198.51.100.2"], ["192.0.2.1"])
    assert pool.size == 5 + 2       # .1-.6 without the gateway, and the range
    assert "192.0.2.0" not in pool and "192.0.2.7" not in pool and "198.51.100.2" in pool and "junk" not in pool
    assert pool.free({"192.0.2.2"}, 3) == ["192.0.2.3", "192.0.2.4", "192.0.2.5"]
    assert fc_ip_pool.Pool(["192.0.2.0/31"]).size == 2     # point-to-point: both addresses
    for args, text in (((["192.0.2.0/24", "192.0.2.64/26"],), "overlaps"),
                       ((["192.0.2.0/24"], ["192.0.2.200-192.0.3.1"]), "overlaps"),
                       ((["192.0.2.0-192.0.2.9"],), "not a CIDR"), ((None, ["192.0.2.0/24"]), "is a CIDR"),
                       ((["192.0.2.0/33"],), "not an IPv4"), ((None, None), "networks or ranges")):
        with pytest.raises(FcError, match=text):
            fc_ip_pool.Pool(*args)


def test_assignments_keep_what_vms_have_and_never_collide():
    pool = fc_ip_pool.Pool(["10.0.0.0/29"])
    used = {"10.0.0.1": {"vm": "other", "source": "guest"}, "10.0.0.3": {"vm": "b", "source": "binding"},
            "10.0.0.2": {"vm": "b", "source": "guest"}, "172.16.0.9": {"vm": "c", "source": "binding"}}
    assignments, more = fc_ip_pool.assign(pool, used, ["a", "b", "c"], 1)
    assert assignments == {"b": "10.0.0.3", "a": "10.0.0.4", "c": "10.0.0.5"}
    assert more == ["10.0.0.6"]
    with pytest.raises(FcError, match="free address"):
        fc_ip_pool.assign(pool, used, ["a", "c"], 2)


def test_nic_call_answers_become_task_answers():
    odd = {"error": {}, "result": True, "returnValue": True, "taskId": 0,
           "uri": "/service/sites/1/tasks/i-3", "urn": "urn:sites:1:tasks:i-3"}
    answer = fc_tasks.task_answer(odd)
    assert fc_tasks.is_task_answer(answer) and answer["taskUri"] == odd["uri"] and answer["taskUrn"] == odd["urn"]
    plain = {"urn": "urn:sites:1:vms:i-1", "uri": "/service/sites/1/vms/i-1"}
    assert fc_tasks.task_answer(plain) is plain and fc_tasks.task_answer(None) is None


def test_check_mode_lets_documented_reads_through(monkeypatch):
    fake = fake_vrm.install(monkeypatch)
    c = fc_client.FcClient("vrm", username="a", password="b", check_mode=True, validate_certs=False)
    with pytest.raises(FcError, match="Refusing PUT"):
        c.request("PUT", fake_vrm.SITE + "/securitygroups/1/action/rules")
    with pytest.raises(FcError):       # sent (read=True), and the fake VRM does not know the path
        c.request("PUT", fake_vrm.SITE + "/securitygroups/1/action/rules", read=True)
    assert [r for r in fake.requests if "securitygroups" in str(r)]

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's network planes and a DVS's traffic classes: the checks made before anything is sent."""

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_dvs_nioc as nioc
from ansible_collections.fusioncompute.core.plugins.module_utils import fc_host_network as hn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError

HOST = {"name": "cna-1", "urn": "urn:sites:1:hosts:1", "ip": "10.0.0.11"}
RAW = {
    "ports": [{"name": "eth%d" % i, "urn": "urn:sites:1:hosts:1:uplinkports:%d" % i, "speed": 10000, "status": 0,
               "uplinkPortAggrUrn": "urn:sites:1:hosts:1:uplinkportaggrs:1" if i == 0 else "",
               "dvSwitchUrn": "urn:sites:1:dvswitchs:1" if i == 2 else ""} for i in range(4)],
    "bonds": [{"name": "Mgnt_Aggr", "urn": "urn:sites:1:hosts:1:uplinkportaggrs:1", "strategy": 1, "status": 0,
               "uplinkPorts": [{"name": "eth0"}]}],
    "interfaces": [{"name": "Mgnt-0", "urn": "urn:sites:1:hosts:1:systemintfs:1", "type": 0, "netAddr": "10.0.0.11",
                    "netMask": 24, "vlanId": 0, "portName": "Mgnt_Aggr",
                    "portUrn": "urn:sites:1:hosts:1:uplinkportaggrs:1", "txLimit": 500, "txPeakLimit": 800,
                    "txBurstSize": 800, "option": ["migrate"]}],
}


def _want(**kw):
    base = {"name": "iscsi", "plane": "storage", "port": "eth1", "vlan": 300, "ip": "192.168.30.1", "prefix": 24,
            "gateway": None, "routes": None, "bandwidth": None, "traffic": None, "description": None}
    base.update(kw)
    return base


def test_view_names_modes_planes_and_traffic():
    v = hn.view(HOST, RAW)
    assert v["bonds"][0]["mode"] == "active-backup" and v["bonds"][0]["ports"] == ["eth0"]
    mgmt = v["interfaces"][0]
    assert mgmt["plane"] == "management" and mgmt["traffic"] == ["migration"]
    assert mgmt["bandwidth"] == {"limit": 500, "peak": 800, "burst": 800}


@pytest.mark.parametrize("value,expected", [
    ({"limit": "1G", "peak": None, "burst": None}, {"limit": 1000, "peak": 1000, "burst": 1000}),
    ({"limit": 100, "peak": 200, "burst": None}, {"limit": 100, "peak": 200, "burst": 200}),
    ({"limit": 0, "peak": None, "burst": None}, {"limit": 0, "peak": 0, "burst": 0}),
])
def test_bandwidth_defaults(value, expected):
    assert hn.bandwidth(value, "b") == expected


@pytest.mark.parametrize("value,code", [
    ({"limit": "20G", "peak": None, "burst": None}, "10540520"),
    ({"limit": 100, "peak": 50, "burst": None}, "10504021"),
    ({"limit": None, "peak": 50, "burst": None}, "10504027"),
])
def test_bandwidth_out_of_range_carries_the_code(value, code):
    with pytest.raises(FcApiError) as err:
        hn.bandwidth(value, "b")
    assert err.value.code == code and err.value.hint


@pytest.mark.parametrize("wanted,others,code", [
    (_want(ip="10.0.0.99"), {}, "10506044"),                      # the management subnet
    (_want(ip="10.1.0.12"), {"10.1.0.12": "cna-2"}, "10506008"),  # another host's address
    (_want(vlan=0, port="eth2"), {}, "10540014"),                 # a DVS uplink
    (_want(traffic=["migration"]), {}, "10506002"),
    (_want(plane="service", traffic=["migration"]), {}, "10506013"),  # Mgnt-0 carries it
    (_want(name="Mgnt-0", plane="management", port=None, vlan=7, ip=None, prefix=None), {}, "10506040"),
])
def test_interface_refusals(wanted, others, code):
    with pytest.raises(FcApiError) as err:
        hn.check_interfaces([wanted], hn.view(HOST, RAW), {"Mgnt_Aggr"}, others)
    assert err.value.code == code


def test_a_nic_bonded_in_the_same_run_carries_no_interface():
    with pytest.raises(FcApiError) as err:
        hn.check_interfaces([_want(port="eth3")], hn.view(HOST, RAW), {"Mgnt_Aggr", "B"}, {}, {"eth3": "B"})
    assert err.value.code == "10540014" and "bond B" in str(err.value)


@pytest.mark.parametrize("bond,code", [
    ({"name": "B", "ports": ["eth0"]}, "10540014"),
    ({"name": "B", "ports": ["eth2"]}, "10540014"),
    ({"name": "B", "ports": ["eth1", "eth1"]}, "10540406"),
    ({"name": "B", "ports": ["eth9"]}, "10540013"),
    ({"name": "B", "ports": []}, "10540404"),
])
def test_bond_refusals(bond, code):
    with pytest.raises(FcApiError) as err:
        hn.check_bonds([bond], hn.view(HOST, RAW))
    assert err.value.code == code


def test_update_body_holds_only_the_differences():
    cur = hn.view(HOST, RAW)["interfaces"][0]
    body = hn.interface_body(_want(name="Mgnt-0", plane="management", port=None, vlan=None, ip=None, prefix=None,
                                   bandwidth={"limit": 0, "peak": 0, "burst": 0}), cur)
    assert body == {"txLimit": 0}


def _cls(**kw):
    base = {"portgroup": "pg", "shares": None, "reservation": None, "priority": None, "limit": None, "peak": None,
            "burst": None}
    base.update(kw)
    return base


def test_classes_follow_the_dvs_mode():
    with pytest.raises(FcError):
        nioc.wanted([_cls(shares=10)], "reservation")
    with pytest.raises(FcError):
        nioc.wanted([_cls(reservation=10)], "shares")
    assert nioc.wanted([_cls(reservation="1G", limit="2G", priority=3)], "reservation")[0] == _cls(
        reservation=1000, limit=2000, peak=2000, burst=2000, priority=3)


def test_a_reservation_above_the_current_limit_is_refused():
    have = {"pg": {"portgroup": "pg", "uri": "/pg", "shares": 0, "reservation": 0, "priority": 0, "limit": 500,
                   "peak": 500, "burst": 500}}
    with pytest.raises(FcApiError) as err:
        nioc.changes(have, nioc.wanted([_cls(reservation=800)], "reservation"))
    assert err.value.code == "10540520"
    assert nioc.changes(have, nioc.wanted([_cls(reservation=400)], "reservation")) == [
        {"portgroup": "pg", "reservation": 400}]

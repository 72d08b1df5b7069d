# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_network, fc_views, fc_vm_common
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError


@pytest.mark.parametrize("value,expected", [
    (100, 100), ("100", 100), ("100M", 100), ("100Mbps", 100), ("1G", 1000), ("1.5Gbit/s", 1500),
    ("1.5G", 1500), ("100000", 100000), (0, 0), ("0", 0)])
def test_bandwidth_units(value, expected):
    assert fc_network.mbit(value, "x") == expected


@pytest.mark.parametrize("value,msg", [
    ("fast", "tx.average 'fast' is not a bandwidth; give whole Mbit/s"), ("10 parsecs", "is not a bandwidth"),
    (True, "not a boolean"), ("-5", "is not a bandwidth"), ("1 Gbps", "is not a bandwidth"),
    ("10 kbit", "is not a bandwidth"), ("10k", "is not a bandwidth"), ("0.5M", "not a whole number of Mbit/s"),
    ("100001", "above 100000 Mbit/s"), ("1T", "above 100000 Mbit/s")])
def test_bad_bandwidth(value, msg):
    with pytest.raises(FcError, match=msg.replace(".", "\\.").replace("(", "\\(")):
        fc_network.mbit(value, "tx.average")


def test_shaping_defaults_peak_and_burst_to_the_average():
    assert fc_network.shaping({"average": "1G"}) == {"average": 1000, "peak": 1000, "burst": 1000}
    assert fc_network.shaping({"average": 500, "peak": 800}) == {"average": 500, "peak": 800, "burst": 500}
    assert fc_network.shaping({"average": 0}) == {"average": 0, "peak": 0, "burst": 0}
    assert fc_network.shaping(None) is None
    with pytest.raises(FcError, match=r"rx\.peak \(100\) must be at least rx\.average \(500\)"):
        fc_network.shaping({"average": 500, "peak": 100}, "rx")
    with pytest.raises(FcError, match=r"tx\.peak and tx\.burst need tx\.average"):
        fc_network.shaping({"peak": 100}, "tx")
    with pytest.raises(FcError, match=r"rx\.average 'fast' is not a bandwidth"):
        fc_network.shaping({"average": "fast"}, "rx")


@pytest.mark.parametrize("value,text", [
    ("10-20,30", "10-20,30"), ([30, "10-20", 21], "10-21,30"), ("5,4,3", "3-5"), ("100", "100"),
    (["1-10", "5-15"], "1-15"), (" 10 - 12 , 14", "10-12,14")])
def test_vlan_ranges_are_merged_and_sorted(value, text):
    assert fc_network.vlan_text(fc_network.vlan_ranges(value)) == text


@pytest.mark.parametrize("value", ["0", "4095", "20-10", "a-b", "", "1-5000"])
def test_bad_vlan_ranges(value):
    with pytest.raises(FcError):
        fc_network.vlan_ranges(value)


def test_portgroup_view_normalises_vrm_defaults():
    pg = {"name": "p", "urn": "u", "portType": 0, "vlanId": 5, "txLimit": 100, "txPeakLimit": 0, "txBurstSize": 0,
          "rxLimit": 0, "priority": 0}
    v = fc_views.pg_view(pg, "dvs")
    assert v["tx"] == {"average": 100, "peak": 100, "burst": 100}
    assert v["rx"] == {"average": 0, "peak": 0, "burst": 0}
    assert v["priority"] is None and v["vlan_range"] is None and v["port_type"] == "access"
    trunk = fc_views.pg_view({"portType": 1, "vlanRange": "30,10-20"}, "dvs")
    assert trunk["vlan_range"] == "10-20,30" and trunk["vlan_id"] is None


def test_cluster_view_maps_vrm_numbers_to_words():
    c = {"name": "c", "isEnableDrs": True, "isEnableHa": True, "isMemOvercommit": False,
         "drsSetting": {"drsLevel": 3, "factor": 3, "powerLevel": 2,
                        "drsFragmentLimen": [{"fragmentTime": 0, "limen": 5}],
                        "powerFragmentLimen": [{"fragmentTime": 0, "limen": 9}]},
         "haSetting": {"isAccessControl": True, "hostRelatedFaultResponse": {"hostFaultResponse": 2},
                       "accessControlSetting": {"accessControlPolicy": 1, "hostsFaultQuantity": 1}}}
    v = fc_views.cluster_view(c)
    assert v["drs"] == {"enabled": True, "level": "automatic", "threshold": 3, "factor": "cpu_and_memory"}
    assert v["dpm"] == {"enabled": True, "level": "automatic", "threshold": 5}
    assert v["ha"]["host_failure_policy"] == "ha"
    assert v["ha"]["admission_control"]["policy"] == "tolerate_host_failures"


def test_vm_view_sorts_disks_and_nics_and_maps_power():
    vm = {"name": "v", "status": "hibernated", "isTemplate": False,
          "vmConfig": {"cpu": {"quantity": 2, "coresPerSocket": 1, "cpuHotPlug": 1},
                       "memory": {"quantityMB": 2048, "memHotPlug": 0},
                       "disks": [{"sequenceNum": 2, "quantityGB": 5, "pciType": "SCSI", "isThin": False},
                                 {"sequenceNum": 1, "quantityGB": 40, "pciType": "VIRTIO", "isThin": True}],
                       "nics": [{"sequenceNum": 1, "mac": "b", "ip": "0.0.0.0", "ipList": ""},
                                {"sequenceNum": 0, "mac": "a", "ip": "10.0.0.5", "ipList": "10.0.0.5;10.0.0.6"}]}}
    v = fc_vm_common.vm_view(vm)
    assert v["power_state"] == "suspended"
    assert [d["size_gb"] for d in v["disks"]] == [40, 5] and v["disks"][1]["bus"] == "scsi"
    assert [n["mac"] for n in v["nics"]] == ["a", "b"]
    assert v["nics"][0]["ips"] == ["10.0.0.5", "10.0.0.6"] and v["nics"][1]["ips"] == []
    assert v["cpu"]["hotplug"] and not v["memory"]["hotplug"]


def test_choose_ip_prefers_networks_and_versions():
    nics = [{"ips": ["192.168.1.5", "fe80::1", "2001:db8::5"]}, {"ips": ["10.1.2.3"]}]
    assert fc_vm_common.choose_ip(nics) == "192.168.1.5"
    assert fc_vm_common.choose_ip(nics, ["10.0.0.0/8"]) == "10.1.2.3"
    assert fc_vm_common.choose_ip(nics, version=6) == "2001:db8::5"
    assert fc_vm_common.choose_ip(nics, ["172.16.0.0/12"]) is None
    with pytest.raises(FcError) as exc:
        fc_vm_common.choose_ip(nics, ["not-a-network"])
    assert "ip_networks: 'not-a-network' is not a network in CIDR form." in str(exc.value)
    # unspecified and link-local addresses are never chosen
    assert fc_vm_common.pick_address(["0.0.0.0", "169.254.3.4", "10.0.0.9"]) == "10.0.0.9"
    assert fc_vm_common.pick_address(["fe80::1"], version=6) is None

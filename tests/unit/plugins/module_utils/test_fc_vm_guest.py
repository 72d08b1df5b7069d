# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_vm_guest as g
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError, FcTimeout


def _opts(**kw):
    base = {"boot_order": None, "cpu_pinning": None, "numa": None, "disk_io": None}
    base.update(kw)
    return base


def _vm(boot="disk", cdrom=-1, disk_orders=(1,), nic_orders=(-1,), cpu=None, props=None):
    properties = {"bootOption": boot, "cdRomBootOrder": cdrom}
    properties.update(props or {})
    return {"name": "vm1", "vmConfig": {
        "properties": properties, "cpu": cpu or {"quantity": 2, "cpuBindType": "nobind"},
        "disks": [{"sequenceNum": i + 1, "pciType": "VIRTIO", "bootOrder": o, "volumeUrn": "v%d" % i}
                  for i, o in enumerate(disk_orders)],
        "nics": [{"sequenceNum": i, "bootOrder": o, "urn": "n%d" % i} for i, o in enumerate(nic_orders)]}}


@pytest.mark.parametrize("text,cpus,canonical", [
    ("0", [0], "0"), ("0,2,5-7", [0, 2, 5, 6, 7], "0,2,5-7"), ("3-1", None, None), ("7, 5,6", [5, 6, 7], "5-7"),
    ("a", None, None), ("1-", None, None)])
def test_cpu_lists(text, cpus, canonical):
    if cpus is None:
        with pytest.raises(FcError, match="is not a CPU list"):
            g.parse_cpus(text, "cpu_pinning.cpus")
    else:
        assert g.parse_cpus(text, "x") == cpus
        assert g.cpus_text(cpus) == canonical


@pytest.mark.parametrize("items,normal", [
    (["disk"], ["disk"]), (["cdrom"], ["cdrom", "disk"]), (["Network"], ["network", "disk"]),
    (["cdrom", "disk"], ["cdrom", "disk"]), (["disk", "cdrom"], ["disk1", "cdrom"]),
    (["nic2", "network", "disk"], ["nic2", "nic1", "disk1"])])
def test_boot_order_normal_form(items, normal):
    assert g.boot_normal(items) == normal


def test_boot_view_matches_what_the_module_sends():
    assert g.boot_view(_vm()) == ["disk"]
    assert g.boot_view(_vm(boot="pxe")) == ["network", "disk"]
    exact = _vm(boot="exact", cdrom=2, disk_orders=(3, -1), nic_orders=(-1, 1))
    assert g.boot_view(exact) == ["nic2", "cdrom", "disk1"]


@pytest.mark.parametrize("opts,msg", [
    ({"boot_order": ["floppy"]}, "is not cdrom, network"),
    ({"boot_order": ["disk", "disk1"]}, "each device once"),
    ({"cpu_pinning": {"mode": "range", "cpus": None, "vcpus": None, "numa_nodes": None}}, "takes cpu_pinning.cpus"),
    ({"cpu_pinning": {"mode": "none", "cpus": "1", "vcpus": None, "numa_nodes": None}}, "takes none"),
    ({"cpu_pinning": {"mode": "exact", "cpus": None, "numa_nodes": None,
                      "vcpus": [{"vcpu": 0, "cpus": "1"}, {"vcpu": 0, "cpus": "2"}]}}, "each vcpu once"),
    ({"cpu_pinning": {"mode": "numa", "cpus": None, "vcpus": None,
                      "numa_nodes": [{"node": 0, "vcpus": "0-1"}, {"node": 1, "vcpus": "1"}]}}, "bound to two"),
    ({"numa": {"auto_adjust": True, "host_nodes": [0]}}, "exclude each other"),
    ({"disk_io": [{"disk": 0}]}, "disk position"),
    ({"disk_io": [{"disk": 1, "read_iops": 5}]}, r"read_iops must be 0 \(unlimited\) or 16"),
    ({"disk_io": [{"disk": 1, "total_iops": 100, "write_iops": 100}]}, "10420165"),
    ({"disk_io": [{"disk": 1, "weight": 1}]}, "between 10 and 1000")])
def test_bad_guest_options_fail_before_anything_is_read(opts, msg):
    with pytest.raises(FcError, match=msg):
        g.check_guest_options(_opts(**opts))


def test_a_total_limit_replaces_read_and_write_and_back():
    cur = {"read_kbps": 100, "write_kbps": 200, "total_kbps": 0, "read_iops": 0, "write_iops": 0,
           "total_iops": 500, "weight": 0}
    out = g.merge_io(cur, {"disk": 1, "total_kbps": 1000, "read_iops": 50})
    assert out["read_kbps"] == 0 and out["write_kbps"] == 0 and out["total_kbps"] == 1000
    assert out["total_iops"] == 0 and out["read_iops"] == 50
    assert g.merge_io(cur, {"disk": 1}) == dict(cur, disk=1)


def test_pinning_view_is_the_options_normal_form():
    cpu = {"quantity": 2, "cpuBindType": "exact",
           "exactCpuAffinityList": [{"vcpuScope": 1, "pcpuScope": "5,4"}, {"vcpuScope": 0, "pcpuScope": "2"}]}
    wanted = {"mode": "exact", "cpus": None, "numa_nodes": None,
              "vcpus": [{"vcpu": 0, "cpus": "2"}, {"vcpu": 1, "cpus": "4-5"}]}
    assert g.pinning_view(_vm(cpu=cpu)) == g.pinning_normal(wanted)
    assert g.pinning_view(_vm())["mode"] == "none"


def test_tools_versions_and_waiting():
    assert g.version_key("3.0.1.012") > g.version_key("3.0.0.045")
    assert g.tools_ok({"pvDriverStatus": "running", "toolsVersion": "3.0.1.012"}, "3.0.1")
    assert not g.tools_ok({"pvDriverStatus": "running", "toolsVersion": "3.0.0.045"}, "3.0.1")
    answers = iter([{"pvDriverStatus": "notRunning"}, {"pvDriverStatus": "starting"},
                    {"pvDriverStatus": "running", "toolsVersion": "3.0.1.012"}])

    class Client:
        def get(self, uri):
            return next(answers)
    now = [0.0]
    vm = g.wait_for_tools(Client(), "/vm", 60, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])
    assert vm["toolsVersion"] == "3.0.1.012"

    class Old:
        def get(self, uri):
            return {"name": "vm1", "pvDriverStatus": "running", "toolsVersion": "3.0.0.045"}
    with pytest.raises(FcTimeout, match="did not report VM Tools 9.0 or later within 5 seconds.*version 3.0.0.045"):
        g.wait_for_tools(Old(), "/vm", 5, "9.0", sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])

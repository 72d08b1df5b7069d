# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's passthrough devices: PCI addresses, which device an entry picks, and what is refused before any write."""

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_passthrough import (
    PASSTHROUGH_ARGSPEC, VmPassthrough, pci_address, refuse_migration)

H1, H2 = "urn:sites:1:hosts:1", "urn:sites:1:hosts:2"
VM, OTHER = "urn:sites:1:vms:i-1", "urn:sites:1:vms:i-2"


def _pci(n, host, kind="gpu", vm=None, nic=None, func=0):
    return {"urn": "urn:sites:1:pcis:%d" % n, "type": kind, "host": {H1: "cna-1", H2: "cna-2"}[host],
            "host_urn": host, "address": "0000:3b:00.%d" % func, "model": "Tesla T4" if kind == "gpu" else "VF",
            "vendor": "NVIDIA Corporation", "sriov_nic": nic, "vm_urn": vm}


def _usb(n, host, vm=None):
    return {"urn": "urn:sites:1:usbs:%d" % n, "type": "usb", "host": {H1: "cna-1", H2: "cna-2"}[host],
            "host_urn": host, "product_id": "0529:0620", "description": "key", "vm_urn": vm, "controller": None}


class _Index:
    def __init__(self, devices):
        self._devices = devices

    def devices(self):
        return self._devices

    @staticmethod
    def host_name(urn):
        return {H1: "cna-1", H2: "cna-2"}[urn]

    @staticmethod
    def vm_name(urn):
        return {VM: "me", OTHER: "other"}[urn]


class _Vm(VmPassthrough):
    def __init__(self, devices, **params):
        self.params = {k: v.get("default") for k, v in PASSTHROUGH_ARGSPEC.items()}
        self.params.update(name="me", memory=None, **params)
        self._index = _Index(devices)

    def _pt_index(self):
        return self._index


def _obj(status="stopped", host=None, reserved=1024, pcis=("urn:sites:1:pcis:3",)):
    return {"urn": VM, "name": "me", "status": status, "hostUrn": host, "hostName": "cna-1" if host else "",
            "vmConfig": {"memory": {"quantityMB": 1024, "reservation": reserved}, "pcis": list(pcis)}}


@pytest.mark.parametrize("text,want", [("3b:00.0", "0000:3b:00.0"), ("0000:3B:00.1", "0000:3b:00.1"),
                                       (" 1:5e:1f.7 ", "0001:5e:1f.7")])
def test_pci_addresses_in_one_form(text, want):
    assert pci_address(text) == want


@pytest.mark.parametrize("text", ["3b:00", "3b:00.8", "gpu0", ""])
def test_not_pci_addresses(text):
    with pytest.raises(FcError, match="is not a PCI address"):
        pci_address(text)


def test_an_entry_keeps_the_device_the_vm_holds_and_takes_a_free_one_otherwise():
    devs = [_pci(1, H1, vm=OTHER), _pci(2, H1), _pci(3, H2, vm=VM)]
    vm = _Vm(devs, gpus=[{"model": "tesla t4", "host": None, "urn": None, "address": None},
                         {"host": "cna-1", "urn": None, "address": None, "model": None}])
    vm.passthrough_view(_obj())
    with pytest.raises(FcError, match="must all be on one host"):
        vm.passthrough_compare({}, {})
    vm = _Vm(devs, gpus=[{"host": "cna-2", "urn": None, "address": None, "model": None}])
    vm.passthrough_view(_obj())
    assert vm.passthrough_compare({}, {}) == {}          # it holds one already: nothing to do
    vm = _Vm(devs, gpus=[{"host": H1, "urn": None, "address": None, "model": None}], gpus_remove_unmanaged=True)
    vm.passthrough_view(_obj())
    changes = vm.passthrough_compare({}, {})
    assert [d["urn"] for d in changes["gpus"]] == ["urn:sites:1:pcis:2"]
    kept, added, removed, left = vm._pt["gpus"]
    assert not kept and not left and [d["urn"] for d in added] == ["urn:sites:1:pcis:2"]
    assert [d["urn"] for d in removed] == ["urn:sites:1:pcis:3"]
    assert vm.passthrough_needs_off(_obj(status="running", host=H2), changes) == [
        "gpus (PCI devices are attached to and detached from a stopped VM only)"]


def test_a_device_in_use_is_refused_naming_its_vm():
    entry = {"urn": "urn:sites:1:pcis:1", "host": None, "address": None, "model": None}
    vm = _Vm([_pci(1, H1, vm=OTHER)], gpus=[entry])
    vm.passthrough_view(_obj())
    with pytest.raises(FcError, match="is used by VM other.*one VM at a time"):
        vm.passthrough_compare({}, {})


def test_vfs_by_nic_memory_reservation_and_usb_hosts():
    vfs = [_pci(n, H2, kind="sriov_vf", nic="eth4", func=n, vm=OTHER if n == 1 else None) for n in (1, 2)]
    entry = {"sriov_nic": "eth4", "host": None, "urn": None, "address": None, "model": None}
    vm = _Vm(vfs, pci_devices=[entry])
    vm.passthrough_view(_obj(reserved=0))
    with pytest.raises(FcError, match="set memory.reservation to 1024"):
        vm.passthrough_compare({}, {})
    vm = _Vm(vfs, pci_devices=[entry, entry])
    vm.passthrough_view(_obj())
    with pytest.raises(FcError, match=r"pci_devices\[1\] \(sriov_nic=eth4\): no free PCI device"):
        vm.passthrough_compare({}, {})
    vm = _Vm([_usb(1, H2)], usb_devices=[{"product_id": "0529:0620", "host": None, "urn": None,
                                          "controller": None}])
    vm.passthrough_view(_obj())
    changes = vm.passthrough_compare({}, {})
    assert vm.passthrough_needs_off(_obj(status="running", host=H1), changes) == [
        "usb_devices (urn:sites:1:usbs:1 is on host cna-2; the VM runs on cna-1)"]
    assert vm.passthrough_needs_off(_obj(status="running", host=H2), changes) == []


def test_a_passthrough_vm_is_refused_migration():
    refuse_migration({"name": "plain", "vmConfig": {"pcis": [], "usb": [{"controllerType": "xHCI", "device": []}]}})
    with pytest.raises(FcError, match="holds passthrough devices"):
        refuse_migration({"name": "gpu", "hostName": "cna-1", "vmConfig": {"pcis": ["urn:sites:1:pcis:1"]}})


def test_a_gpu_from_a_resource_group_is_not_the_options_to_take_away():
    grouped = _pci(5, H1, vm=VM)          # the VM uses it through a GPU resource group, not vmConfig.pcis
    vm = _Vm([grouped], gpus=[], gpus_remove_unmanaged=True)
    obj = _obj(pcis=())
    obj["vmConfig"]["gpuGroups"] = [{"gpuGroup": "urn:sites:1:gpu-groups:1", "count": 1}]
    assert vm.passthrough_view(obj) == {"gpus": []}
    assert vm.passthrough_compare({}, {}) == {}
    with pytest.raises(FcError, match="holds passthrough devices"):
        refuse_migration({"name": "g", "vmConfig": {"gpuGroups": [{"gpuGroup": "urn:sites:1:gpu-groups:1"}]}})

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_host_device_info
short_description: Read the GPUs, PCI devices and USB devices of FusionCompute hosts, and who uses them
version_added: 0.1.0
description:
  - Lists the devices hosts can pass through to VMs, with the VM that uses each. GPUs and other PCI devices (NVMe
    SSDs, the virtual functions of SR-IOV NICs) come from VRM's PCI device list, USB devices from its USB device
    list of each cluster.
  - A device serves one VM at a time; M(fusioncompute.core.fc_vm) gives them to VMs (O(fusioncompute.core.fc_vm#module:gpus),
    O(fusioncompute.core.fc_vm#module:pci_devices), O(fusioncompute.core.fc_vm#module:usb_devices)).
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  cna_host:
    description: Only the devices of this host (name, management IP or URN). All hosts when not given.
    type: str
    aliases: [host_name]
  type:
    description: Only devices of these types. V(sriov_vf) is a virtual function of an SR-IOV NIC.
    type: list
    elements: str
    choices: [gpu, ssd, sriov_vf, pci, usb]
  free:
    description: V(true) lists only the devices no VM uses, V(false) only those in use; all when not given.
    type: bool
seealso:
  - module: fusioncompute.core.fc_vm
  - module: fusioncompute.core.fc_host_info
"""

EXAMPLES = r"""
- name: The free GPUs of the production hosts
  fusioncompute.core.fc_host_device_info:
    type: [gpu]
    free: true
  register: gpus

- name: Every passthrough device of one host and the VM that uses it
  fusioncompute.core.fc_host_device_info:
    cna_host: cna-prod-02
  register: devices

- name: Show who holds what
  ansible.builtin.debug:
    msg: "{{ devices.devices | map(attribute='urn') | zip(devices.devices | map(attribute='vm')) | list }}"
"""

RETURN = r"""
devices:
  description: The devices, ordered by host, then PCI before USB.
  returned: always
  type: list
  elements: dict
  contains:
    urn:
      description: URN of the device.
      type: str
    type:
      description: V(gpu), V(ssd), V(sriov_vf), V(pci) (another PCI device) or V(usb).
      type: str
    host:
      description: Name of the host the device is in.
      type: str
    host_urn:
      description: URN of that host.
      type: str
    address:
      description: PCI address on the host (C(domain:bus:slot.function)); PCI devices only.
      type: str
    model:
      description: Product name; PCI devices only.
      type: str
    vendor:
      description: Vendor name; PCI devices only.
      type: str
    sriov_nic:
      description: The host NIC a virtual function belongs to; null for other devices.
      type: str
    product_id:
      description: USB vendor and product ID; USB devices only.
      type: str
    description:
      description: What VRM says a USB device is; USB devices only.
      type: str
    controller:
      description: USB controller type of the VM that uses a USB device (null when free); USB devices only.
      type: str
    vm:
      description: Name of the VM that uses the device (null when it is free).
      type: str
    vm_urn:
      description: URN of that VM (null when the device is free).
      type: str
  sample:
    - urn: urn:sites:4D6B0918:pcis:2
      type: gpu
      host: cna-prod-02
      host_urn: urn:sites:4D6B0918:hosts:2
      address: "0000:3b:00.0"
      model: Tesla T4
      vendor: NVIDIA Corporation
      sriov_nic: null
      vm: ml-worker
      vm_urn: urn:sites:4D6B0918:vms:i-00000005
    - urn: urn:sites:4D6B0918:usbs:1
      type: usb
      host: cna-prod-01
      host_urn: urn:sites:4D6B0918:hosts:1
      product_id: "0529:0620"
      description: SafeNet Token JC (USB key)
      controller: null
      vm: null
      vm_urn: null
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_passthrough import DeviceIndex


def main():
    fc = FcModule(dict(
        cna_host=dict(type="str", aliases=["host_name"]),
        type=dict(type="list", elements="str", choices=["gpu", "ssd", "sriov_vf", "pci", "usb"]),
        free=dict(type="bool"),
    ))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    index = DeviceIndex(fc)
    devices = index.devices()
    if p["cna_host"]:
        host = fc_lookup.host(fc, p["cna_host"])
        devices = [d for d in devices if d["host_urn"] == host["urn"]]
    if p["type"]:
        devices = [d for d in devices if d["type"] in p["type"]]
    if p["free"] is not None:
        devices = [d for d in devices if (d["vm_urn"] is None) == p["free"]]
    devices = sorted(devices, key=lambda d: (d["host"], d["type"] == "usb", d.get("address") or "", d["urn"]))
    return {"changed": False, "devices": index.with_users(devices)}


if __name__ == "__main__":
    main()

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # fc_vm's passthrough devices (module_utils/fc_vm_passthrough.py holds their argument spec and plans).
    DOCUMENTATION = r"""
options:
  gpus:
    description:
      - GPUs the VM takes over from its host (PCI passthrough of a device VRM lists as C(GPU)). Each entry picks one
        GPU, the one the VM already holds that matches it, else a free one that matches (on the host of the VM's
        other passthrough devices first).
      - A GPU serves one VM at a time; an entry whose matching GPUs are all used by other VMs fails before anything
        is changed, naming them. M(fusioncompute.core.fc_host_device_info) lists the devices and who uses them.
      - A VM with passthrough devices is bound to their host, so they must all be on one host. VRM then keeps the
        VM there, with no live migration (M(fusioncompute.core.fc_vm_migrate) refuses it), DRS leaves it alone, and HA
        does not restart it on another host.
      - PCI devices are attached to and detached from a stopped VM only, and VRM wants the VM's memory fully
        reserved (O(memory.reservation) equal to its size, VRM error 10321056). On a running VM the change fails
        saying so, unless O(allow_power_cycling=true).
      - GPUs the VM holds that no entry matches are kept unless O(gpus_remove_unmanaged=true). V([]) with
        O(gpus_remove_unmanaged=true) takes every GPU away. Not given, the VM's GPUs are left as they are.
      - GPU resource groups (vGPU) are not managed by this option.
    type: list
    elements: dict
    suboptions:
      urn:
        description: URN of the device.
        type: str
      host:
        description: Name or URN of the host the device is in.
        type: str
      address:
        description: PCI address of the device on its host, C(domain:bus:slot.function) (C(0000:3b:00.0); the domain
          may be left out).
        type: str
      model:
        description: Product name (C(Tesla T4)), or vendor and product name (C(NVIDIA Corporation Tesla T4)); any case.
        type: str
  gpus_remove_unmanaged:
    description: Detach the GPUs the VM holds that no entry of O(gpus) matches.
    type: bool
    default: false
  pci_devices:
    description:
      - PCI devices other than GPUs the VM takes over from its host, such as NVMe SSDs and the virtual functions
        (VFs) of an SR-IOV NIC. Entries are matched and chosen as for O(gpus), with the same rules (one VM per
        device, one host, a stopped VM, memory fully reserved).
      - O(pci_devices[].sriov_nic) asks for a free virtual function of that NIC of the host (VRM refuses to give an
        SR-IOV NIC to a running VM or take one from it, 10301022 and 10301021, and refuses to migrate the VM,
        10300931). When the NIC has no free VF left the module fails before anything is changed.
      - Devices the VM holds that no entry matches are kept unless O(pci_devices_remove_unmanaged=true).
    type: list
    elements: dict
    suboptions:
      urn:
        description: As O(gpus[].urn).
        type: str
      host:
        description: As O(gpus[].host).
        type: str
      address:
        description: As O(gpus[].address).
        type: str
      model:
        description: As O(gpus[].model) (C(NVMe SSD DC P4510)).
        type: str
      sriov_nic:
        description: Name of the host's SR-IOV NIC (C(eth4)) whose virtual function the VM takes.
        type: str
  pci_devices_remove_unmanaged:
    description: Detach the PCI devices (other than GPUs) the VM holds that no entry of O(pci_devices) matches.
    type: bool
    default: false
  usb_devices:
    description:
      - USB devices (license keys, tokens) the VM takes over from its host, at most 4, all on one host. Entries are
        matched and chosen as for O(gpus).
      - USB devices can be attached to and detached from a running VM, when it runs on the device's host; otherwise
        the change needs the VM powered off (O(allow_power_cycling)). VRM does not migrate a VM with USB devices
        (10300059).
      - The VM's USB controller is added with the first device (O(usb_devices[].controller), VRM's default
        C(EHCI+UHCI)); a VM has one controller type.
      - Devices the VM holds that no entry matches are kept unless O(usb_devices_remove_unmanaged=true).
    type: list
    elements: dict
    suboptions:
      urn:
        description: URN of the USB device.
        type: str
      host:
        description: Name or URN of the host the device is plugged into.
        type: str
      product_id:
        description: USB vendor and product ID as VRM shows it (C(0529:0620)).
        type: str
      controller:
        description: USB controller type for the VM when it gets its first USB device.
        type: str
        choices: [EHCI+UHCI, xHCI]
  usb_devices_remove_unmanaged:
    description: Detach the USB devices the VM holds that no entry of O(usb_devices) matches.
    type: bool
    default: false
"""

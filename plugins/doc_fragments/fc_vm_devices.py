# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # fc_vm's disks and NICs (module_utils/fc_vm_devices.py)
    DOCUMENTATION = r"""
options:
  disks:
    description:
      - Disks in slot order; entry N stays the disk listed as entry N, whatever its bus (the first is the system
        disk).
      - VRM numbers slots per bus (virtio 1-25, scsi 1-60, ide 1-3). The module lists a VM's disks by slot
        number, and on the same number virtio before scsi before ide. A disk it adds, at creation or later, takes
        the number after the highest one in use (after the source's disks for a deployment or clone), so it comes
        last; an ide disk therefore fits only among the first three. A deployed or cloned VM's first entries are
        the source's disks, in their slots and on their buses.
      - A missing disk is created and attached; a larger O(disks[].size_gb) grows the disk (online or
        offline); a smaller one fails (disks never shrink). Datastore and provisioning of an existing disk are
        not changed (use M(fusioncompute.core.fc_vm_migrate)); the module warns when they differ.
      - Disks beyond the list are left alone unless O(disks_remove_unmanaged=true).
    type: list
    elements: dict
    suboptions:
      size_gb:
        description: Size in GB, 1 to 261120 (255 TB; the datastore's storage type may allow less).
        type: int
        required: true
      datastore:
        description: Datastore (name or URN) of a new disk. Defaults to the datastore of the first disk.
        type: str
      thin:
        description:
          - Thin provisioning of a new disk; a new disk is thin when this is omitted.
          - For an existing disk the module only warns when the disk differs.
        type: bool
      bus:
        description:
          - Bus of a new disk; V(virtio) when omitted.
          - For an existing disk the module only warns when the disk differs.
        type: str
        choices: [virtio, scsi, ide]
  disks_remove_unmanaged:
    description: Detach and delete the disks beyond O(disks). The diff shows them first.
    type: bool
    default: false
  nics:
    description:
      - NICs in slot order; entry N is the NIC in slot N-1.
      - A missing NIC is added; a different port group is changed on the NIC; a MAC can only be set on a new
        NIC or while the VM is powered off.
      - NICs beyond the list are left alone unless O(nics_remove_unmanaged=true).
    type: list
    elements: dict
    suboptions:
      portgroup:
        description: Port group (name or URN).
        type: str
        required: true
      mac:
        description: MAC address, six hexadecimal pairs separated by colons (VRM generates one when omitted).
        type: str
      security_group:
        description:
          - Security group of the NIC (name, see M(fusioncompute.core.fc_security_group)); its rules then filter
            the NIC's traffic. V('') takes the NIC out of its group. Omit to leave it alone.
          - Not on SR-IOV or user-mode switches (VRM error 10520024).
        type: str
      ip_mac_binding:
        description:
          - IPv4 address bound to the NIC's MAC (anti-spoofing for this NIC; VRM C(bindipmac)); the guest can then
            use only this address. V('') removes the binding. Omit to leave it alone.
          - The binding keeps the address in VRM while the VM is off, which is what
            M(fusioncompute.core.fc_ip_pool_info) reads to give addresses without collisions.
        type: str
      bandwidth:
        description: Per-NIC bandwidth limits on its virtual switch port, in Mbit/s (burst in Mbit).
        type: dict
        suboptions:
          tx_average:
            description: Outbound average (0-10000).
            type: int
          tx_peak:
            description: Outbound peak (at least the average, at most 10000).
            type: int
          tx_burst:
            description: Outbound burst size (0-10000).
            type: int
          priority:
            description: Priority 2-7 (needs O(nics[].bandwidth.tx_average)).
            type: int
  nics_remove_unmanaged:
    description: Remove the NICs beyond O(nics). The diff shows them first.
    type: bool
    default: false
"""

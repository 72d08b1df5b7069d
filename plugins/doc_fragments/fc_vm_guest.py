# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # fc_vm's guest options (plugins/module_utils/fc_vm_guest.py)
    DOCUMENTATION = r"""
options:
  boot_order:
    description:
      - Devices the VM boots from, in order. Omit to leave the boot order alone.
      - V(disk), V([cdrom]) or V([cdrom, disk]), V([network]) or V([network, disk]) set VRM's first boot device
        (VRM boots the disks after a CD-ROM or network boot).
      - Any other list is an exact order of named devices - V(cdrom), V(diskN) (entry N of O(disks), counted from
        1, in the order the module lists the VM's disks) and V(nicN) (entry N of O(nics)); devices left out do
        not boot. V(disk) stands for V(disk1) and V(network) for V(nic1) in such a list.
      - Changes online; the guest sees it at its next boot. On a new VM it is set right after the creation.
    type: list
    elements: str
  cpu_pinning:
    description:
      - Pinning of the VM's vCPUs to physical CPUs or NUMA nodes of its host (VRM C(vcpupin)). Omit to leave it
        alone.
      - VRM pins only a VM bound to its host (create it with O(cna_host) and O(bind_to_host=true)); the module
        checks the host's CPUs and NUMA nodes, and the VM's vCPUs, before anything is sent. Changes online.
      - A pinned VM cannot be migrated, and its O(numa) binding cannot change until it is unpinned.
    type: dict
    suboptions:
      mode:
        description:
          - V(none) unpins; V(range) runs every vCPU on the physical CPUs of O(cpu_pinning.cpus) (at least as many
            as vCPUs); V(exact) pins each vCPU of O(cpu_pinning.vcpus); V(numa) binds vCPUs to host NUMA nodes
            (O(cpu_pinning.numa_nodes)).
        type: str
        required: true
        choices: [none, range, exact, numa]
      cpus:
        description: With V(range), the physical CPUs, as a list such as V(0-3,8).
        type: str
      vcpus:
        description: With V(exact), one entry per pinned vCPU.
        type: list
        elements: dict
        suboptions:
          vcpu:
            description: The vCPU, from 0.
            type: int
            required: true
          cpus:
            description: Its physical CPUs, as a list such as V(2,3) or V(4-5).
            type: str
            required: true
      numa_nodes:
        description: With V(numa), one entry per host NUMA node; a node takes at most its share of the host's CPUs.
        type: list
        elements: dict
        suboptions:
          node:
            description: The host NUMA node, from 0.
            type: int
            required: true
          vcpus:
            description: The vCPUs bound to it, as a list such as V(0-3).
            type: str
            required: true
  numa:
    description:
      - NUMA placement of the VM (VM properties C(isAutoAdjustNuma) and C(numaAffinity)). Omit to leave it alone.
      - VRM changes it only while the VM is stopped. On a running VM the module fails saying so before anything
        is sent, unless the same task powers the VM off (O(power_state=powered-off)); then it changes the NUMA
        placement after the power-off.
    type: dict
    suboptions:
      auto_adjust:
        description: Let VRM adjust the VM's NUMA structure (it needs O(cpu.cores_per_socket) to divide O(cpu.count)).
        type: bool
      host_nodes:
        description:
          - Host NUMA nodes the VM is bound to (V([]) unbinds). Needs a VM bound to its host, not pinned, whose
            vCPU count the number of nodes divides.
        type: list
        elements: int
  disk_io:
    description:
      - I/O limits and weight of the VM's disks (VRM C(modifyIOpropertyOfVolume), C(modifyIOWeightOfVolume)), one
        entry per disk to manage; a disk not listed is left alone, and so is a setting not given. 0 means
        unlimited.
      - A total limit replaces the read and write limits of its unit (VRM takes one or the other), and a read or
        write limit replaces the total. IDE and shared disks have no I/O settings. Changes online.
    type: list
    elements: dict
    suboptions:
      disk:
        description: The disk, by its position in O(disks) (1 = the first, the system disk).
        type: int
        required: true
      read_kbps:
        description: Read bandwidth limit in KB/s (0, or 8 to 976562500000).
        type: int
      write_kbps:
        description: Write bandwidth limit in KB/s (0, or 8 to 976562500000).
        type: int
      total_kbps:
        description: Read and write bandwidth limit together, in KB/s (0, or 8 to 976562500000).
        type: int
      read_iops:
        description: Read requests per second (0, or 16 to 4294967295).
        type: int
      write_iops:
        description: Write requests per second (0, or 16 to 4294967295).
        type: int
      total_iops:
        description: Read and write requests per second together (0, or 16 to 4294967295).
        type: int
      weight:
        description:
          - I/O weight of the disk against the other disks of its host, 10 to 1000. Not on shared disks or NAS
            datastores (VRM 10420120).
        type: int
"""

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_vm
short_description: Create, configure and delete FusionCompute virtual machines and templates
version_added: 0.1.0
description:
  - Makes a VM exist as described (O(state=present)) or not exist (O(state=absent)).
  - A missing VM is created blank, deployed from a O(template), cloned from another VM (O(clone_from)) or
    imported from a template file (O(image)), placed in a O(cluster) or on a O(cna_host). VRM picks the host
    inside a cluster.
  - An existing VM is changed only where it differs, in CPU and memory with their QoS, disks (added, grown,
    never shrunk), NICs, description, name (when identified by O(urn) or O(uuid)), template flag and power state.
  - CPU and memory changes on a running VM follow the KVM hot-plug rules (add only, memory in 128 MB steps, no
    change of cores per socket, hot-plug enabled for the VM). A change that needs the VM off fails naming the
    parameter, unless O(allow_power_cycling=true), which stops the VM, changes it and starts it again.
  - Check mode and diff come from the same plan as the real run.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.fc_vm_guest
  - fusioncompute.core.attributes
  - fusioncompute.core.fc_vm_media
  - fusioncompute.core.fc_vm_devices
  - fusioncompute.core.fc_vm_passthrough
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  name:
    description:
      - Name of the VM. Identifies the VM when O(urn) and O(uuid) are not given (exact match; VRM's filter is
        fuzzy). With O(urn) or O(uuid), a different name renames the VM.
    type: str
  urn:
    description: URN of the VM.
    type: str
  uuid:
    description: UUID of the VM.
    type: str
  name_match:
    description: When several VMs have O(name), V(exact) fails listing their URNs, V(first) takes the first.
    type: str
    choices: [exact, first]
    default: exact
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  cluster:
    description: Cluster (name or URN) to create the VM in. Not changed afterwards (use M(fusioncompute.core.fc_vm_migrate)).
    type: str
  cna_host:
    description:
      - CNA host (name, IP or URN) to create the VM on; the VM is bound to it only with O(bind_to_host).
      - Not changed afterwards (use M(fusioncompute.core.fc_vm_migrate)).
      - Named C(cna_host) because O(host) is the VRM address.
    type: str
  bind_to_host:
    description: Keep the VM on O(cna_host) (VRM C(isBindingHost)). Only at creation.
    type: bool
    default: false
  template:
    aliases: [template_src]
    description: Template (name or URN) to deploy the VM from. Only at creation.
    type: str
  clone_from:
    description: VM (name or URN) to clone. Only at creation.
    type: str
  image:
    description:
      - Import the VM, or with O(is_template=true) a template, from a template file on a share (VRM's import).
        Only at creation.
      - VRM takes CPU, memory, disks, NICs and O(os) from the request, as for a blank VM, so give them here;
        O(disks) need a datastore. The import task fails with VRM error 10300924 when the file is not there.
    type: dict
    suboptions:
      url:
        description:
          - Where the template file is. NFS C(<server>:/<path>), for example
            C(192.0.2.20:/srv/fusioncompute/images/centos9.ovf); CIFS C(//<server>/<share>/<path>).
          - File and directory names of letters, digits, C(-), C(_), spaces and dots (VRM's rule).
        type: str
        required: true
      protocol:
        description: How VRM's hosts read the file.
        type: str
        choices: [nfs, cifs]
        default: nfs
      username:
        description: User of the CIFS share.
        type: str
      password:
        description: Password of the CIFS share.
        type: str
  is_template:
    description:
      - V(true) makes the VM a template, V(false) turns a template into a VM. Conversion needs the VM powered off
        and without snapshots.
    type: bool
  description:
    aliases: [annotation]
    description: Description of the VM.
    type: str
  os:
    description: Guest OS of a blank VM (only at creation; deploys and clones keep the source's).
    type: dict
    suboptions:
      type:
        description: OS family; V(Linux) when omitted at creation.
        type: str
        choices: [Linux, Windows, Other]
      version:
        description:
          - OS version id from the VRM catalogue (C(GET <site>/vms/osversions)); 301 is "Other Linux 32 bit".
          - When omitted at creation, the family's generic 64-bit version - V(302) ("Other Linux 64 bit"), V(202)
            ("Other Windows 64 bit") or V(402) ("Other 64 bit").
        type: int
  cpu:
    description: vCPUs and their QoS.
    type: dict
    suboptions:
      count:
        description: Number of vCPUs (1-255).
        type: int
      cores_per_socket:
        description: Cores per socket (1-255); must divide O(cpu.count). Cannot change while the VM runs.
        type: int
      reservation:
        description: Reserved MHz (0 = none, at most 10000000).
        type: int
      limit:
        description: Upper limit in MHz (0 = unlimited, at most 10000000).
        type: int
      weight:
        description: Shares (2-255000; VRM defaults to 500 per vCPU).
        type: int
  memory:
    description: Memory and its QoS.
    type: dict
    suboptions:
      size_mb:
        description: Memory in MB (128-4194304). Online increases must be multiples of 128 MB.
        type: int
      reservation:
        description: Reserved MB (0 = none, at most O(memory.size_mb)).
        type: int
      limit:
        description:
          - Upper limit in MB. VRM keeps it equal to O(memory.size_mb) (it refuses any other value), on creation
            and on every change of the size; another value fails before anything is sent.
        type: int
      weight:
        description: Shares (1-83886080; VRM defaults to 10 per MB).
        type: int
  power_state:
    description:
      - V(powered-on), V(powered-off) (a safe shutdown through VM Tools when they run, else forced) or
        V(suspended) (hibernated). Omit to leave the power state alone (a new VM then starts, as VRM does).
      - VRM creates a VM even when it cannot start it (no host with the capacity, the DVS or the datastore). With
        V(powered-on) or V(suspended) the module then starts it and fails with VRM's reason (reporting the VM
        created as a change); with the option omitted it warns with that reason.
    type: str
    choices: [powered-on, powered-off, suspended]
  allow_power_cycling:
    description: Power the VM off and on again when a change needs it (CPU/memory decrease, cores per socket).
    type: bool
    default: false
  customization:
    description:
      - Guest customization at deployment (VM Tools in the template needed). The module waits for the follow-up
        customization task VRM starts after the deployment.
      - It is applied only when the VM is deployed or cloned. On an existing VM the module warns when the guest
        reports another host name than O(customization.hostname), and changes nothing.
    type: dict
    suboptions:
      hostname:
        description:
          - Host name of the guest. VRM takes 1 to 15 letters, digits, V(-) and V(_), not digits only; the module
            refuses anything else before sending a request.
        type: str
      password:
        description:
          - Password of the guest administrator. VRM takes 8 to 26 ASCII characters mixing at least two of
            lower-case letters, upper-case letters, digits and special characters.
        type: str
      nics:
        description: Static addressing per NIC, in NIC order (at most 16 entries).
        type: list
        elements: dict
        suboptions:
          ip:
            description: IPv4 address.
            type: str
          netmask:
            description: Netmask, dotted (V(255.255.255.0)) or as a prefix length (V(24)). Needs O(customization.nics[].ip).
            type: str
          gateway:
            description: IPv4 gateway. Needs O(customization.nics[].ip).
            type: str
          dns:
            description: IPv4 DNS servers, the preferred one first; at most two.
            type: list
            elements: str
  wait_for_ip:
    aliases: [wait_for_ip_address]
    description: After the VM is running, wait until VM Tools report a guest address and return it.
    type: bool
    default: false
  wait_for_ip_timeout:
    aliases: [wait_for_ip_address_timeout]
    description: Seconds to wait for the address.
    type: int
    default: 300
  ip_networks:
    description:
      - Networks (CIDR) to prefer for the returned address, in order. Checked before anything is sent.
      - Unspecified and link-local addresses are never returned.
    type: list
    elements: str
    default: []
  ip_version:
    description: IP version of the returned address.
    type: int
    choices: [4, 6]
    default: 4
  delete_disks:
    description: With O(state=absent), delete the VM's disks too (V(false) keeps them as volumes).
    type: bool
    default: true
notes:
  - Options that VRM cannot change after creation (O(cluster), O(cna_host), O(template), O(clone_from), O(image),
    O(os)) are only used to create the VM. The module warns when an existing VM is in another cluster or has
    another OS than O(cluster) and O(os) say. O(cna_host) is not compared (VRM moves VMs between hosts), nor
    is the source of a VM (VRM does not keep it).
seealso:
  - module: fusioncompute.core.fc_vm_info
  - module: fusioncompute.core.fc_vm_powerstate
  - module: fusioncompute.core.fc_vm_migrate
  - module: fusioncompute.core.fc_snapshot
  - module: fusioncompute.core.fc_volume
"""

EXAMPLES = r"""
- name: Deploy a web server from the CentOS template
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    cpu:
      count: 2
    memory:
      size_mb: 4096
    disks:
      - size_gb: 40
        datastore: datastore-prod
      - size_gb: 20
        datastore: datastore-prod
    nics:
      - portgroup: prod-vlan100
    customization:
      hostname: web01
    power_state: powered-on
    wait_for_ip: true
  register: web01

- name: Import a template from a template file on an NFS export that VRM's hosts can read
  fusioncompute.core.fc_vm:
    name: tpl-centos9
    image:
      url: 198.51.100.210:/export/images/centos9.ovf
      protocol: nfs
    is_template: true
    cluster: cluster-prod
    os:
      type: Linux
      version: 10115
    cpu:
      count: 2
    memory:
      size_mb: 4096
    disks:
      - size_gb: 20
        datastore: datastore-prod

- name: Grow memory online and add a vCPU
  fusioncompute.core.fc_vm:
    name: web01
    cpu:
      count: 4
    memory:
      size_mb: 8192

- name: Give web01 a GPU and a virtual function of an SR-IOV NIC of one host (it is powered off and on for them)
  fusioncompute.core.fc_vm:
    name: web01
    memory:
      size_mb: 8192
      reservation: 8192   # PCI passthrough needs the memory fully reserved
    gpus:
      - host: cna-prod-02
        model: Tesla T4
    pci_devices:
      - host: cna-prod-02
        sriov_nic: eth4
    allow_power_cycling: true

- name: Take the GPU away again, keeping the virtual function
  fusioncompute.core.fc_vm:
    name: web01
    gpus: []
    gpus_remove_unmanaged: true
    allow_power_cycling: true

- name: Remove it with its disks
  fusioncompute.core.fc_vm:
    name: web01
    state: absent

- name: A VM bound to its host, on NUMA node 0 with pinned vCPUs, booting from CD-ROM first, with disk limits
  fusioncompute.core.fc_vm:
    name: db01
    template: tpl-centos7
    cna_host: cna-prod-01
    bind_to_host: true
    power_state: powered-off
    disks: [{size_gb: 40, datastore: datastore-prod}]
    boot_order: [cdrom, disk]
    numa: {host_nodes: [0]}
    cpu_pinning: {mode: exact, vcpus: [{vcpu: 0, cpus: "2"}, {vcpu: 1, cpus: "3"}]}
    disk_io: [{disk: 1, total_iops: 2000, weight: 500}]

- name: A linked clone for VDI, booted with an ISO of the image store in its CD-ROM
  fusioncompute.core.fc_vm:
    name: vdi01
    template: tpl-centos7
    linked_clone: true
    power_state: powered-on
    cdrom:
      iso_path: //198.51.100.210/library/iso/ubuntu-22.04.iso

- name: Eject the ISO
  fusioncompute.core.fc_vm:
    name: vdi01
    cdrom:
      state: disconnected
"""

RETURN = r"""
vm:
  description: The VM after the change (in check mode, what it would be; for a VM to be created, what the options
    ask for), with the fields of M(fusioncompute.core.fc_vm_info) with O(fusioncompute.core.fc_vm_info#module:details)
    (without C(uri), C(create_time), C(ips) and C(statistics), and
    without C(bandwidth) in its NICs).
  returned: always
  type: dict
  sample:
    urn: urn:sites:4D6B0918:vms:i-00000001
    uuid: ef7aa5e4-2c23-486f-a98e-5c24a95e46f7
    name: tpl-centos7
    description: ''
    status: stopped
    power_state: powered-off
    is_template: true
    cluster: cluster-prod
    cluster_urn: urn:sites:4D6B0918:clusters:1
    host: null
    host_urn: null
    cpu:
      count: 2
      cores_per_socket: 1
      reservation: 0
      limit: 0
      weight: 1000
      hotplug: true
    memory:
      size_mb: 4096
      reservation: 0
      limit: 4096
      weight: 40960
      hotplug: true
    disks:
    - size_gb: 40
      datastore: nfs-images
      datastore_urn: urn:sites:4D6B0918:datastores:3
      thin: true
      bus: virtio
      slot: 1
      volume_urn: urn:sites:4D6B0918:volumes:1
    nics:
    - portgroup: VM-Network
      portgroup_urn: urn:sites:4D6B0918:dvswitchs:1:portgroups:1
      mac: 28:6e:d4:00:00:01
      name: Network Adapter 0
      slot: 0
      urn: urn:sites:4D6B0918:vms:i-00000001:nics:0
      ips: []
    os:
      type: Linux
      version: 10115
      hostname: null
    tools_running: false
ip_address:
  description: The guest address chosen by O(wait_for_ip).
  returned: when wait_for_ip is true
  type: str
  sample: 10.100.0.3
race:
  description:
    - Another run created an object of the same name at the same time, and this run's was not the oldest;
      this run removed the one it had made and used the oldest (docs/races.md in the collection).
  returned: when this run lost a create race
  type: dict
  sample: {"kept": "urn:sites:4D6B0918:vms:i-00000004", "removed": ["urn:sites:4D6B0918:vms:i-00000005"]}
  contains:
    kept:
      description: URN of the oldest object, the one that stays and that this result describes.
      type: str
    removed:
      description: URN of the object this run made and removed.
      type: list
      elements: str
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
tasks:
  description: The VRM tasks the module started, in order.
  returned: when tasks were started
  type: list
  elements: dict
  contains:
    task_urn:
      description: URN of the task.
      type: str
    method:
      description: HTTP method of the request that started it.
      type: str
    path:
      description: Path of that request.
      type: str
    status:
      description: V(success) when the module waited for it, V(running) with O(wait=false).
      type: str
    duration:
      description: Seconds the task took (absent with O(wait=false)).
      type: float
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_checks import (
    CPU_KEYS, MEM_KEYS, RANGES, check_customization, check_image_url, check_memory_limit, check_nic)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_create import VmCreate
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_devices import VmDevices
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_guest import (
    GUEST_OPTIONS, VmGuest, check_guest_options, guest_view)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_media import MEDIA_SPEC, VmMedia
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_passthrough import (
    PASSTHROUGH_ARGSPEC, VmPassthrough)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import (
    check_disk_size, parse_networks, vm_view, wait_for_ip)


class Vm(VmGuest, VmCreate, VmDevices, VmMedia, VmPassthrough, Resource):
    kind = "vm"

    def validate(self):
        p = self.params
        if not (p["name"] or p["urn"] or p["uuid"]):
            raise FcError("Give name, urn or uuid to identify the VM.")
        if len([k for k in ("template", "clone_from", "image") if p[k]]) > 1:
            raise FcError("template, clone_from and image are mutually exclusive.")
        if p["image"]:
            check_image_url(p["image"]["protocol"], p["image"]["url"])
        cpu = p["cpu"] or {}
        mem = p["memory"] or {}
        for group, values in (("cpu", cpu), ("memory", mem)):
            for key, (low, high) in RANGES[group].items():
                if values.get(key) is not None and not low <= values[key] <= high:
                    raise FcError("%s.%s must be between %d and %d, not %d." % (group, key, low, high, values[key]))
        if cpu.get("count") and cpu.get("cores_per_socket") and cpu["count"] % cpu["cores_per_socket"]:
            raise FcError("cpu.cores_per_socket (%s) must divide cpu.count (%s)." % (
                cpu["cores_per_socket"], cpu["count"]))
        check_memory_limit(mem, mem.get("size_mb"))
        if mem.get("size_mb") and (mem.get("reservation") or 0) > mem["size_mb"]:
            raise FcError("memory.reservation (%d MB) cannot exceed memory.size_mb (%d MB)."
                          % (mem["reservation"], mem["size_mb"]))
        for d in p["disks"] or []:
            check_disk_size(d["size_gb"], "disks[].size_gb")
        check_customization(p["customization"])
        parse_networks(p["ip_networks"], "ip_networks")
        for i, n in enumerate(p["nics"] or []):
            check_nic(i, n)
        check_guest_options(p)
        self.validate_media()
        self.passthrough_validate()

    # -- reading ---------------------------------------------------------------------------------
    def find(self):
        p = self.params
        return fc_lookup.vm(self.fc, name=None if (p["urn"] or p["uuid"]) else p["name"], urn=p["urn"],
                            uuid=p["uuid"], match=p["name_match"])

    def reread(self, obj):
        if obj is not None:
            return self.client.get(obj["uri"])
        return self.find() if not self._created_urn else self.client.get(urn_to_uri(self._created_urn))

    def find_exact(self):
        return fc_lookup.vm(self.fc, name=self.params["name"])

    def discard(self, obj):
        self.fc.call("DELETE", obj["uri"], params={"isReserveDisks": 0})   # the disks it made go too

    def view(self, obj):
        v = vm_view(obj)
        return dict({k: v[k] for k in ("name", "description", "is_template", "power_state", "cpu", "memory", "disks",
                                       "nics")}, **guest_view(obj), **self.media_view(obj), **self.passthrough_view(obj))

    def returned(self, obj):
        return vm_view(obj)

    def desired(self):
        p = self.params
        d = {"name": p["name"], "description": p["description"], "is_template": p["is_template"],
             "power_state": p["power_state"]}
        if p["cpu"]:
            d["cpu"] = {k: v for k, v in p["cpu"].items() if v is not None}
        if p["memory"]:
            d["memory"] = {k: v for k, v in p["memory"].items() if v is not None}
        if p["disks"] is not None:
            d["disks"] = [{"size_gb": x["size_gb"], "datastore": x.get("datastore"), "thin": x.get("thin"),
                           "bus": x.get("bus")} for x in p["disks"]]
        if p["nics"] is not None:
            d["nics"] = [{"portgroup": x["portgroup"], "mac": x.get("mac").lower() if x.get("mac") else None,
                          "security_group": x.get("security_group"), "ip_mac_binding": x.get("ip_mac_binding")}
                         for x in p["nics"]]
        d.update(self.guest_desired())
        d.update(self.media_desired())
        d.update(self.passthrough_desired())
        return d

    # -- comparing ---------------------------------------------------------------------------------
    def compare(self, current, desired):
        changes = {}
        for k in ("name", "description", "is_template", "power_state"):
            if desired.get(k) is not None and current.get(k) != desired[k]:
                if k == "name" and not (self.params["urn"] or self.params["uuid"]):
                    continue
                changes[k] = desired[k]
        check_memory_limit(desired.get("memory"), (desired.get("memory") or {}).get("size_mb") or
                           current["memory"]["size_mb"])
        for k in ("cpu", "memory"):
            if desired.get(k):
                diff = {f: v for f, v in desired[k].items() if current[k].get(f) != v}
                if diff:
                    changes[k] = diff
        if desired.get("disks") is not None:
            cur = current["disks"]
            want = desired["disks"]
            if any(i < len(cur) and w["size_gb"] != cur[i]["size_gb"] for i, w in enumerate(want)) or \
                    len(want) > len(cur) or (self.params["disks_remove_unmanaged"] and len(cur) > len(want)):
                changes["disks"] = want
        if desired.get("nics") is not None:
            cur = current["nics"]
            want = desired["nics"]
            differ = False
            for i, w in enumerate(want):
                if i >= len(cur):
                    differ = True
                elif not self._pg_matches(cur[i], w["portgroup"]) or (w["mac"] and w["mac"] != cur[i]["mac"]):
                    differ = True
            if differ or (self.params["nics_remove_unmanaged"] and len(cur) > len(want)):
                changes["nics"] = want
            if self._bandwidth_changes(current) or self._nic_security_changes(current):
                changes.setdefault("nics", want)
        changes.update(self.guest_compare(current, desired))
        changes.update(self.media_changes(current, desired))
        changes.update(self.passthrough_compare(current, desired))
        return changes

    @staticmethod
    def _pg_matches(nic, ref):
        return ref in (nic["portgroup"], nic["portgroup_urn"])

    def plan_update(self, obj, current, changes):
        p = self.params
        steps = []
        running = obj.get("status") in ("running", "pause")
        uri = obj["uri"]
        needs_cycle = []
        put = {}
        for k in ("name", "description"):
            if k in changes:
                put[k] = changes[k]
        cpu = {CPU_KEYS[k]: v for k, v in changes.get("cpu", {}).items()}
        mem = {MEM_KEYS[k]: v for k, v in changes.get("memory", {}).items()}
        if running:
            ccur, mcur = current["cpu"], current["memory"]
            if cpu.get("quantity") is not None and cpu["quantity"] < ccur["count"]:
                needs_cycle.append("cpu.count (vCPUs cannot be removed from a running VM)")
            if cpu.get("quantity") is not None and cpu["quantity"] > ccur["count"] and not ccur["hotplug"]:
                needs_cycle.append("cpu.count (CPU hot-plug is disabled for this VM)")
            if cpu.get("coresPerSocket") is not None:
                needs_cycle.append("cpu.cores_per_socket (cannot change while the VM runs)")
            if mem.get("quantityMB") is not None:
                if mem["quantityMB"] < mcur["size_mb"]:
                    needs_cycle.append("memory.size_mb (memory cannot be removed from a running VM)")
                elif not mcur["hotplug"]:
                    needs_cycle.append("memory.size_mb (memory hot-plug is disabled for this VM)")
                elif (mem["quantityMB"] - mcur["size_mb"]) % 128:
                    needs_cycle.append("memory.size_mb (online increases must be multiples of 128 MB)")
        if "is_template" in changes and obj.get("status") != "stopped":
            needs_cycle.append("is_template (conversion needs the VM powered off)")
        needs_cycle += self.passthrough_needs_off(obj, changes)
        if needs_cycle and not p["allow_power_cycling"]:
            raise FcError("The VM %s is running and these changes need it powered off: %s. Power it off first, or "
                          "set allow_power_cycling=true." % (obj["name"], "; ".join(needs_cycle)))
        cycle = bool(needs_cycle)
        if cycle:
            steps.append(Step("power off %s (needed for %s)" % (obj["name"], ", ".join(needs_cycle)),
                              lambda: self._power(uri, "stop", force=not current.get("tools_running"))))
        if cpu:
            put["cpu"] = cpu
        if mem:
            put["memory"] = mem
        if put:
            what = sorted(k for k in ("cpu", "memory", "name", "description") if k in put)
            steps.append(Step("modify %s: %s" % (obj["name"], ", ".join(what)),
                              lambda: self.fc.call("PUT", uri, body=put)))
        if "disks" in changes:
            steps += self._plan_disks(obj, current)
        if "nics" in changes:
            steps += self._plan_nics(obj, current)
        steps += self.passthrough_steps(obj)
        if "is_template" in changes:
            steps.append(Step("convert %s %s" % (obj["name"], "to a template" if changes["is_template"] else
                                                 "to a VM"),
                              lambda: self.fc.call("PUT", uri, body={"isTemplate": changes["is_template"]})))
        target = changes.get("power_state")
        if cycle and target is None:
            target = current["power_state"]
        if target and (target != current["power_state"] or cycle):
            steps.append(Step("power %s: %s -> %s" % (obj["name"], "powered-off" if cycle else
                                                      current["power_state"], target),
                              lambda: self._power_to(uri, target)))
        return self.guest_steps(obj, changes, steps) + self.plan_media(
            obj, current, changes, (target or current["power_state"]) == "powered-on")

    def plan_create(self, desired):
        return super().plan_create(desired) + self.passthrough_after_create()

    def plan_delete(self, obj):
        keep = not self.params["delete_disks"]
        return [Step("delete %s%s" % (obj["name"], " (keeping its disks)" if keep else ""),
                     lambda: self.fc.call("DELETE", obj["uri"], params={"isReserveDisks": 1 if keep else 0}))]


def main():
    bw = dict(tx_average=dict(type="int"), tx_peak=dict(type="int"), tx_burst=dict(type="int"),
              priority=dict(type="int"))
    fc = FcModule(dict(
        name=dict(type="str"), urn=dict(type="str"), uuid=dict(type="str"),
        name_match=dict(type="str", default="exact", choices=["exact", "first"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        cluster=dict(type="str"), cna_host=dict(type="str"), bind_to_host=dict(type="bool", default=False),
        template=dict(type="str", aliases=["template_src"]), clone_from=dict(type="str"), is_template=dict(type="bool"),
        image=dict(type="dict", options=dict(
            url=dict(type="str", required=True), protocol=dict(type="str", default="nfs", choices=["nfs", "cifs"]),
            username=dict(type="str"), password=dict(type="str", no_log=True))),
        description=dict(type="str", aliases=["annotation"]),
        os=dict(type="dict", options=dict(type=dict(type="str", choices=["Linux", "Windows", "Other"]),
                                          version=dict(type="int"))),
        cpu=dict(type="dict", options=dict(count=dict(type="int"), cores_per_socket=dict(type="int"),
                                           reservation=dict(type="int"), limit=dict(type="int"),
                                           weight=dict(type="int"))),
        memory=dict(type="dict", options=dict(size_mb=dict(type="int"), reservation=dict(type="int"),
                                              limit=dict(type="int"), weight=dict(type="int"))),
        disks=dict(type="list", elements="dict", options=dict(
            size_gb=dict(type="int", required=True), datastore=dict(type="str"), thin=dict(type="bool"),
            bus=dict(type="str", choices=["virtio", "scsi", "ide"]))),
        disks_remove_unmanaged=dict(type="bool", default=False),
        nics=dict(type="list", elements="dict", options=dict(
            portgroup=dict(type="str", required=True), mac=dict(type="str"), security_group=dict(type="str"),
            ip_mac_binding=dict(type="str"), bandwidth=dict(type="dict", options=bw))),
        nics_remove_unmanaged=dict(type="bool", default=False),
        power_state=dict(type="str", choices=["powered-on", "powered-off", "suspended"]),
        allow_power_cycling=dict(type="bool", default=False),
        customization=dict(type="dict", options=dict(
            hostname=dict(type="str"), password=dict(type="str", no_log=True),
            nics=dict(type="list", elements="dict", options=dict(
                ip=dict(type="str"), netmask=dict(type="str"), gateway=dict(type="str"),
                dns=dict(type="list", elements="str"))))),
        wait_for_ip=dict(type="bool", aliases=["wait_for_ip_address"], default=False),
        wait_for_ip_timeout=dict(type="int", aliases=["wait_for_ip_address_timeout"], default=300),
        ip_networks=dict(type="list", elements="str", default=[]),
        ip_version=dict(type="int", default=4, choices=[4, 6]),
        delete_disks=dict(type="bool", default=True), **GUEST_OPTIONS, **MEDIA_SPEC, **PASSTHROUGH_ARGSPEC
    ), mutually_exclusive=[("template", "clone_from", "image")])
    fc.run(lambda: run(fc))


def run(fc):
    vm = Vm(fc)
    result = vm.run()
    p = fc.params
    if p["state"] == "present" and p["wait_for_ip"] and not fc.check_mode:
        out = result.get("vm") or {}
        if out.get("power_state") != "powered-on":
            raise FcError("wait_for_ip needs the VM powered on (it is %s)." % out.get("power_state"))
        ip, obj = wait_for_ip(fc.client, urn_to_uri(out["urn"]), p["wait_for_ip_timeout"], p["ip_networks"],
                              p["ip_version"])
        result["ip_address"] = ip
        result["vm"] = vm_view(obj)
    return result


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_vm_powerstate
short_description: Set the power state of a FusionCompute VM
version_added: 0.1.0
description:
  - Powers a VM on or off, suspends (hibernates) it, restarts it, or shuts it down or reboots it through the
    guest (VM Tools).
  - A VM already in the wanted state reports no change. V(restarted), V(reboot-guest) always change.
  - V(shutdown-guest) asks the guest to shut down and waits up to O(shutdown_timeout) seconds; with
    O(force_after_timeout=true) it then powers the VM off, otherwise it fails.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  name:
    description: Exact name of the VM.
    type: str
  urn:
    description: URN of the VM.
    type: str
  name_match:
    description: V(exact) fails on several VMs with O(name), listing them; V(first) takes the first.
    type: str
    choices: [exact, first]
    default: exact
  state:
    description:
      - V(powered-on), V(powered-off) (forced), V(suspended) (hibernated), V(restarted) (forced reboot),
        V(shutdown-guest) (safe stop through VM Tools), V(reboot-guest) (safe reboot through VM Tools).
    type: str
    required: true
    choices: [powered-on, powered-off, suspended, restarted, shutdown-guest, reboot-guest]
  shutdown_timeout:
    description: Seconds V(shutdown-guest) waits for the guest to stop.
    type: int
    default: 300
  force_after_timeout:
    description: Power the VM off when V(shutdown-guest) did not finish in O(shutdown_timeout) or VM Tools do not run.
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_vm
  - module: fusioncompute.core.fc_vm_info
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: Shut web01 down cleanly, forcing it after two minutes
  fusioncompute.core.fc_vm_powerstate:
    name: web01
    state: shutdown-guest
    shutdown_timeout: 120
    force_after_timeout: true

- name: Start it
  fusioncompute.core.fc_vm_powerstate:
    name: web01
    state: powered-on
"""

RETURN = r"""
vm:
  description: The VM after the change, with the fields of M(fusioncompute.core.fc_vm_info) with
    O(fusioncompute.core.fc_vm_info#module:details) (without C(uri), C(create_time), C(ips) and C(statistics), and
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
power_state:
  description: The power state after the change.
  returned: always
  type: str
  sample: powered-on
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
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, FcTimeout
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_tasks import TaskWaiter
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import power_state, vm_view


def main():
    fc = FcModule(dict(
        name=dict(type="str"), urn=dict(type="str"),
        name_match=dict(type="str", default="exact", choices=["exact", "first"]),
        state=dict(type="str", required=True, choices=[
            "powered-on", "powered-off", "suspended", "restarted", "shutdown-guest", "reboot-guest"]),
        shutdown_timeout=dict(type="int", default=300), force_after_timeout=dict(type="bool", default=False),
    ), required_one_of=[("name", "urn")])
    fc.run(lambda: run(fc))


def plan(vm, state):
    """The actions (op, mode) that bring ``vm`` to ``state``."""
    status = vm.get("status")
    tools = vm.get("pvDriverStatus") == "running"
    if vm.get("isTemplate"):
        raise FcError("%s is a template; templates have no power state." % vm["name"])
    if state == "powered-on":
        return {"pause": [("resume", None)], "running": []}.get(status, [("start", None)])
    if state == "powered-off":
        if status == "stopped":
            return []
        if status == "hibernated":
            return [("start", None), ("stop", "force")]
        return [("stop", "force")]
    if state == "suspended":
        if status == "hibernated":
            return []
        return ([("start", None)] if status == "stopped" else []) + [("hibernate", None)]
    if state == "restarted":
        if status != "running":
            return [("start", None)]
        return [("reboot", "force")]
    if state == "shutdown-guest":
        if status == "stopped":
            return []
        if not tools and status == "running":
            return [("stop", "safe-notools")]
        return [("stop", "safe")]
    if state == "reboot-guest":
        if status != "running":
            raise FcError("reboot-guest needs a running VM (%s is %s)." % (vm["name"], status))
        return [("reboot", "safe")]
    raise FcError("unknown state %s" % state)


def run(fc):
    p = fc.params
    vm = fc_lookup.vm(fc, name=None if p["urn"] else p["name"], urn=p["urn"], match=p["name_match"], required=True)
    steps = plan(vm, p["state"])
    before = power_state(vm)
    if not steps:
        return {"changed": False, "vm": vm_view(vm), "power_state": before, "diff": {"before": {}, "after": {}}}
    after = {"powered-on": "powered-on", "powered-off": "powered-off", "suspended": "suspended",
             "restarted": "powered-on", "shutdown-guest": "powered-off", "reboot-guest": "powered-on"}[p["state"]]
    result = {"changed": True, "diff": {"before": {"power_state": before}, "after": {"power_state": after}},
              "plan": ["%s%s" % (op, " (%s)" % mode if mode else "") for op, mode in steps]}
    if fc.check_mode:
        result["vm"] = dict(vm_view(vm), power_state=after)
        result["power_state"] = after
        return result
    uri = vm["uri"]
    for op, mode in steps:
        if mode == "safe-notools":
            if not p["force_after_timeout"]:
                raise FcError("VM Tools do not run in %s, so it cannot be shut down through the guest; set "
                              "force_after_timeout=true to power it off." % vm["name"], )
            fc.call("POST", uri + "/action/stop", body={"mode": "force"})
            continue
        if op == "stop" and mode == "safe" and p["state"] == "shutdown-guest":
            answer = fc.client.post(uri + "/action/stop", body={"mode": "safe"})
            try:
                TaskWaiter(fc.client, timeout=p["shutdown_timeout"], max_poll=p["poll_interval"]).wait(answer)
                fc.tasks.append({"task_urn": answer.get("taskUrn"), "status": "success"})
            except (FcTimeout, FcApiError) as exc:
                if not p["force_after_timeout"]:
                    raise
                fc.warn("The guest did not shut down (%s); powering it off." % exc)
                current = fc.client.get(uri)
                if current.get("status") != "stopped":
                    fc.call("POST", uri + "/action/stop", body={"mode": "force"})
            continue
        body = {"mode": mode} if mode else None
        fc.call("POST", uri + "/action/" + op, body=body)
    vm = fc.client.get(uri)
    result["vm"] = vm_view(vm)
    result["power_state"] = power_state(vm)
    return result


if __name__ == "__main__":
    main()

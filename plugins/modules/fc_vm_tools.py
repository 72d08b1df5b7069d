#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_vm_tools
short_description: Install, upgrade and eject the VM Tools of a FusionCompute VM
version_added: 0.1.0
description:
  - VRM installs VM Tools by mounting its Tools ISO in the VM's CD-ROM drive (C(installtools)); the guest
    installs or upgrades them from it and then reports them (C(pvDriverStatus) V(running) and C(toolsVersion)).
    VRM's C(uninstalltools) ejects that ISO; the Tools already installed stay in the guest.
  - O(state=present) makes the guest report running Tools, of at least O(min_version) when given. When it does
    not, the module mounts the Tools ISO, waits up to O(tools_timeout) seconds until the guest reports them, and
    ejects the ISO again (O(eject)). A VM whose guest already reports them reports no change.
  - O(state=absent) ejects the Tools ISO when it is mounted.
  - The guest installs Tools only while it runs; a stopped VM fails before anything is sent, saying so.
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
    description: V(present) (Tools run in the guest) or V(absent) (the Tools ISO is not mounted).
    type: str
    choices: [present, absent]
    default: present
  min_version:
    description:
      - With O(state=present), the oldest Tools version the guest may report (such as V(3.0.1.012)); an older one
        is upgraded from the Tools ISO. Omit to accept any running Tools.
      - When the guest still reports an older version after the upgrade, the Tools of this VRM are older than
        O(min_version), and the module fails saying which version the guest reports.
    type: str
  eject:
    description: With O(state=present), eject the Tools ISO once the guest reports the Tools (and when it is mounted).
    type: bool
    default: true
  auto_upgrade:
    description: Whether the Tools upgrade themselves when VRM has newer ones (VM property C(isAutoUpgrade)). Omit to leave it alone.
    type: bool
  tools_timeout:
    description: Seconds to wait for the guest to report the Tools after the ISO is mounted.
    type: int
    default: 600
seealso:
  - module: fusioncompute.core.fc_vm
  - module: fusioncompute.core.fc_vm_info
  - module: fusioncompute.core.fc_vm_powerstate
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: Make sure VM Tools run in web01
  fusioncompute.core.fc_vm_tools:
    name: web01

- name: Upgrade the Tools of web01 to at least 3.0.1.012, and let them upgrade themselves from now on
  fusioncompute.core.fc_vm_tools:
    name: web01
    min_version: 3.0.1.012
    auto_upgrade: true

- name: Eject the Tools ISO from web01
  fusioncompute.core.fc_vm_tools:
    name: web01
    state: absent
"""

RETURN = r"""
tools:
  description: What the VM reports of its Tools at the end (predicted in check mode).
  returned: success
  type: dict
  contains:
    status:
      description: C(pvDriverStatus) - V(running), V(starting) or V(notRunning).
      type: str
    install_status:
      description: The Tools ISO in the drive - V(fill) (mounted), V(empty), V(injecting) or V(ejecting).
      type: str
    version:
      description: Version the guest reports (null when it never ran Tools).
      type: str
    auto_upgrade:
      description: Whether the Tools upgrade themselves.
      type: bool
  sample: {status: running, install_status: empty, version: 3.0.1.012, auto_upgrade: true}
plan:
  description: The steps the module took (or would take in check mode).
  returned: changed
  type: list
  elements: str
  sample: ["mount the Tools ISO in web01", "wait for the guest of web01 to report Tools 3.0.1.012 or later",
           "eject the Tools ISO from web01"]
tasks:
  description: The VRM tasks the module started.
  returned: when a task ran
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
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_guest import (
    tools_ok, tools_view, version_key, wait_for_tools)


def main():
    fc = FcModule(dict(
        name=dict(type="str"), urn=dict(type="str"),
        name_match=dict(type="str", default="exact", choices=["exact", "first"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        min_version=dict(type="str"), eject=dict(type="bool", default=True), auto_upgrade=dict(type="bool"),
        tools_timeout=dict(type="int", default=600),
    ), required_one_of=[("name", "urn")])
    fc.run(lambda: run(fc))


def plan(fc, vm):
    """The steps (description, function) and the Tools view they lead to."""
    p = fc.params
    uri, name = vm["uri"], vm["name"]
    now = tools_view(vm)
    after = dict(now)
    steps = []
    mounted = now["install_status"] in ("fill", "injecting")
    if p["state"] == "present" and not tools_ok(vm, p["min_version"]):
        if vm.get("status") != "running":
            raise FcError("The guest of %s installs VM Tools only while it runs, and the VM is %s. Power it on first "
                          "(fusioncompute.core.fc_vm_powerstate)." % (name, vm.get("status")))
        if not mounted:
            steps.append(("mount the Tools ISO in %s" % name,
                          lambda: fc.call("POST", uri + "/action/installtools")))
        want = " %s or later" % p["min_version"] if p["min_version"] else ""
        steps.append(("wait for the guest of %s to report Tools%s" % (name, want),
                      lambda: wait_for_tools(fc.client, uri, p["tools_timeout"], p["min_version"])))
        after.update(status="running", install_status="fill")
        if p["min_version"] and version_key(now["version"]) < version_key(p["min_version"]):
            after["version"] = p["min_version"]
        mounted = True
    if mounted and (p["state"] == "absent" or p["eject"]):
        steps.append(("eject the Tools ISO from %s" % name, lambda: fc.call("POST", uri + "/action/uninstalltools")))
        after["install_status"] = "empty"
    if p["auto_upgrade"] is not None and p["auto_upgrade"] != now["auto_upgrade"]:
        steps.append(("set auto_upgrade of %s's Tools to %s" % (name, p["auto_upgrade"]),
                      lambda: fc.call("PUT", uri, body={"properties": {"isAutoUpgrade": p["auto_upgrade"]}})))
        after["auto_upgrade"] = p["auto_upgrade"]
    return steps, after


def run(fc):
    p = fc.params
    vm = fc_lookup.vm(fc, name=None if p["urn"] else p["name"], urn=p["urn"], match=p["name_match"], required=True)
    if vm.get("isTemplate"):
        raise FcError("%s is a template; VM Tools are managed on VMs." % vm["name"])
    if fc.waiter().settle(fc.site_uri, vm["urn"]):
        vm = fc.client.get(vm["uri"])
    steps, after = plan(fc, vm)
    before = tools_view(vm)
    if not steps:
        return {"changed": False, "tools": before}
    changed = [k for k in after if after[k] != before[k]]
    result = {"changed": True, "plan": [d for d, _fn in steps],
              "diff": {"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}}}
    if fc.check_mode:
        result["tools"] = after
        return result
    for _description, fn in steps:
        fn()
    result["tools"] = tools_view(fc.client.get(vm["uri"]))
    return result


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_customization_spec
short_description: Create, update and delete saved guest customization specifications of FusionCompute
version_added: 0.1.0
description:
  - Makes a saved guest customization specification (VRM C(vmcustomizations)) exist as described
    (O(state=present)) or not exist (O(state=absent)). VMs deployed with
    M(fusioncompute.core.fc_vm) O(fusioncompute.core.fc_vm#module:customization_spec) get its host name, password,
    workgroup or domain and static addresses.
  - Specifications are identified by their exact name, unique on a site.
  - VRM never answers a stored password, so O(guest_password) and O(domain_password) are sent when the specification is
    created and, with O(update_password=always), on every run (which then always reports a change).
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  name:
    description: Name of the specification (1 to 255 characters, unique on the site).
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the specification.
    type: str
  os_type:
    description:
      - Guest OS family; a VM deployed with the specification must be of the same family (VRM 10300356).
      - Required to create a specification.
    type: str
    choices: [Linux, Windows]
  guest_hostname:
    description: Guest host name, 1 to 15 letters, digits, V(-) and V(_), not digits only.
    type: str
  guest_password:
    description: Password of the guest administrator, 8 to 26 ASCII characters mixing at least two classes.
    type: str
  update_password:
    description: V(on_create) sends O(guest_password) and O(domain_password) only when creating; V(always) on every run.
    type: str
    choices: [always, on_create]
    default: on_create
  workgroup:
    description: Windows workgroup to join. Mutually exclusive with O(domain).
    type: str
  domain:
    description: Windows domain to join (VRM C(domain)); needs O(domain_user) and O(domain_password).
    type: str
  domain_user:
    description: Account that joins the domain (VRM C(domainName)).
    type: str
  domain_password:
    description: Password of O(domain_user).
    type: str
  nics:
    description:
      - Static addressing per NIC, in NIC order. A VM deployed with the specification must have as many NICs as
        entries (VRM 10300355); leave it empty for DHCP everywhere.
    type: list
    elements: dict
    suboptions:
      ip:
        description: IPv4 address.
        type: str
      netmask:
        description: Netmask, dotted or as a prefix length. Needs O(nics[].ip).
        type: str
      gateway:
        description: IPv4 gateway. Needs O(nics[].ip).
        type: str
      dns:
        description: IPv4 DNS servers, the preferred one first; at most two.
        type: list
        elements: str
seealso:
  - module: fusioncompute.core.fc_customization_spec_info
  - module: fusioncompute.core.fc_vm
"""

EXAMPLES = r"""
- name: A specification for the web tier
  fusioncompute.core.fc_customization_spec:
    name: web-linux
    description: Web tier, one static address
    os_type: Linux
    guest_hostname: web01
    guest_password: "{{ guest_password | default('Guest@Pass2024') }}"
    nics:
      - ip: 192.0.2.41
        netmask: 24
        gateway: 192.0.2.1
        dns: [192.0.2.53]

- name: A VM deployed with it
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    customization_spec: web-linux
    power_state: powered-on

- name: Remove the VM and the specification
  fusioncompute.core.fc_vm:
    name: web01
    state: absent

- name: Remove the specification
  fusioncompute.core.fc_customization_spec:
    name: web-linux
    state: absent
"""

RETURN = r"""
spec:
  description:
    - The specification (its password only as C(password_set)); the fields are those of
      M(fusioncompute.core.fc_customization_spec_info)'s RV(fusioncompute.core.fc_customization_spec_info#module:specs).
  returned: state is present
  type: dict
  sample:
    urn: urn:sites:4D6B0918:vmcustomizations:1
    name: web-linux
    description: Web tier, one static address
    os_type: Linux
    hostname: web01
    workgroup: ''
    domain: ''
    domain_name: ''
    password_set: true
    nics: [{ip: 192.0.2.41, netmask: 255.255.255.0, gateway: 192.0.2.1, dns: [192.0.2.53]}]
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_images import SPEC_PATH, find_spec, spec_view
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_checks import check_customization, netmask

SECRETS = ("guest_password", "domain_password")


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True), state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"), os_type=dict(type="str", choices=["Linux", "Windows"]),
        guest_hostname=dict(type="str"), guest_password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        workgroup=dict(type="str"), domain=dict(type="str"), domain_user=dict(type="str"),
        domain_password=dict(type="str", no_log=True),
        nics=dict(type="list", elements="dict", options=dict(
            ip=dict(type="str"), netmask=dict(type="str"), gateway=dict(type="str"),
            dns=dict(type="list", elements="str"))),
    ), mutually_exclusive=[("workgroup", "domain")], required_by={"domain": ("domain_user",)})
    fc.run(lambda: run(fc))


def validate(p):
    try:
        check_customization({"hostname": p["guest_hostname"], "password": p["guest_password"], "nics": p["nics"]})
    except FcError as exc:        # the same rules as fc_vm's customization, in this module's option names
        raise FcError(str(exc).replace("customization.hostname", "guest_hostname").replace(
            "customization.password", "guest_password").replace("customization.", ""))
    if p["workgroup"] is not None and not 1 <= len(p["workgroup"]) <= 15:
        raise FcError("workgroup must be 1 to 15 characters.")
    if p["os_type"] == "Linux" and (p["workgroup"] or p["domain"]):
        raise FcError("workgroup and domain are for Windows guests; os_type is Linux.")


def wanted(p):
    """The managed fields in the view's form (only those given)."""
    out = {}
    for opt, key in (("description", "description"), ("os_type", "os_type"), ("guest_hostname", "hostname"),
                     ("workgroup", "workgroup"), ("domain", "domain"), ("domain_user", "domain_name")):
        if p[opt] is not None:
            out[key] = p[opt]
    if p["nics"] is not None:
        out["nics"] = [{k: v for k, v in (("ip", n.get("ip")), ("netmask", netmask(n.get("netmask"))),
                                          ("gateway", n.get("gateway")), ("dns", n.get("dns") or None)) if v}
                       for n in p["nics"]]
    return out


def body_of(p, fields, secrets):
    keys = {"description": "description", "os_type": "osType", "hostname": "hostname", "workgroup": "workgroup",
            "domain": "domain", "domain_name": "domainName"}
    body = {keys[k]: v for k, v in fields.items() if k in keys}
    if "nics" in fields:
        specs = []
        for i, n in enumerate(fields["nics"], start=1):
            spec = {"sequenceNum": i}
            spec.update({k: n[k] for k in ("ip", "netmask", "gateway") if n.get(k)})
            for key, server in zip(("setdns", "adddns"), n.get("dns") or []):
                spec[key] = server
            specs.append(spec)
        body["nicSpecification"] = specs
    if secrets:
        if p["guest_password"] is not None:
            body["password"] = p["guest_password"]
            body["isUpdateVmPassword"] = True
        if p["domain_password"] is not None:
            body["domainPassword"] = p["domain_password"]
    return body


def run(fc):
    p = fc.params
    validate(p)
    spec = find_spec(fc, p["name"])
    if p["state"] == "absent":
        if spec is None:
            return {"changed": False, "diff": {"before": {}, "after": {}}}
        if not fc.check_mode:
            fc.call("DELETE", spec["uri"])
        return {"changed": True, "plan": ["delete customization specification %s" % p["name"]],
                "diff": {"before": spec_view(spec), "after": {}}}
    want = wanted(p)
    send_secrets = any(p[k] is not None for k in SECRETS)
    if spec is None:
        if not p["os_type"]:
            raise FcError("os_type is required to create customization specification %s." % p["name"])
        body = dict(body_of(p, want, True), name=p["name"])
        after = dict(want, name=p["name"], password_set=p["guest_password"] is not None)
        result = {"changed": True, "plan": ["create customization specification %s" % p["name"]],
                  "diff": {"before": {}, "after": after}}
        if fc.check_mode:
            result["spec"] = dict(after, urn=None)
            return result
        answer = fc.call("POST", fc.site_uri + SPEC_PATH, body=body)
        result["spec"] = spec_view(fc.client.get(answer["uri"]))
        return result
    current = spec_view(spec)
    changes = {k: v for k, v in want.items() if current.get(k) != v}
    secrets = send_secrets and p["update_password"] == "always"
    if not changes and not secrets:
        return {"changed": False, "spec": current, "diff": {"before": {}, "after": {}}}
    what = sorted(changes) + (["password"] if secrets else [])
    result = {"changed": True, "plan": ["update customization specification %s: %s" % (p["name"], ", ".join(what))],
              "diff": {"before": {k: current.get(k) for k in changes}, "after": dict(changes)}}
    if secrets:        # never shown: only that it is sent again
        result["diff"]["after"]["password_set"] = True
    if fc.check_mode:
        result["spec"] = dict(current, **changes)
        return result
    fc.call("PUT", spec["uri"], body=body_of(p, changes, secrets))
    result["spec"] = spec_view(fc.client.get(spec["uri"]))
    return result


if __name__ == "__main__":
    main()

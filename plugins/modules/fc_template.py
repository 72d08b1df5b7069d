#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_template
short_description: Import, export and delete FusionCompute templates
version_added: 0.1.0
description:
  - O(state=present) makes sure a template named O(name) exists, importing it from a template file (OVF or OVA) on
    an HTTP server, an NFS export or a CIFS share when it does not (VRM's import, task C(ImportTemplate)).
  - O(state=exported) writes the template to an NFS or CIFS share as a template file (VRM's export, task
    C(ExportTemplate)), to move it to another site. VRM refuses to overwrite an existing file unless
    O(export.overwrite=true); the module reads that refusal (VRM 10321002) as "already exported" and reports no
    change. In check mode an export is always reported as a change, since only VRM's attempt tells.
  - O(state=absent) deletes the template.
  - Templates are identified by their exact name. VRM reports no checksum of the file a template was imported from,
    so an existing template is never compared with its source; delete it to import it again.
  - The import task fails with VRM's code when the share cannot be reached (10300143), the file is missing
    (10300924), is not a template description (10300144), holds more than the disks given (10300146), or the
    datastore has not enough room (10410003).
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
    description: Name of the template.
    type: str
    required: true
  state:
    description: V(present), V(exported) or V(absent).
    type: str
    choices: [present, exported, absent]
    default: present
  source:
    description:
      - Template file to import when the template does not exist. Required then.
    type: dict
    suboptions:
      url:
        description:
          - C(http://<server>/<path>) or C(https://...) (VRM's hosts download it, protocol C(server-http(s))),
            C(<server>:/<path>) (NFS) or C(//<server>/<share>/<path>) (CIFS), of an C(.ovf) or C(.ova) file.
          - NFS and CIFS names are letters, digits, C(-), C(_), spaces and dots (VRM's rule).
        type: str
        required: true
      username:
        description: User of the CIFS share.
        type: str
      password:
        description: Password of the CIFS share.
        type: str
  cluster:
    description: Cluster (name or URN) the template belongs to. Required to import.
    type: str
  datastore:
    description: Datastore (name or URN) for the template's disk. Required to import.
    type: str
  disk_gb:
    description: Size of the template's disk in GB (at least the image's size).
    type: int
    default: 20
  os:
    description: Guest OS of the template (VRM takes it from the request, not from the file).
    type: dict
    suboptions:
      type:
        description: OS family.
        type: str
        choices: [Linux, Windows, Other]
        default: Linux
      version:
        description: VRM OS version ID (see C(GET <site>/vms/osversions)); default a generic 64-bit one.
        type: int
  cpu:
    description: vCPUs of the template.
    type: int
    default: 2
  memory_mb:
    description: Memory of the template in MB.
    type: int
    default: 2048
  description:
    description: Description of a template the module imports.
    type: str
  export:
    description: Where O(state=exported) writes the template. Required then.
    type: dict
    suboptions:
      url:
        description:
          - Directory of the share, C(<server>:/<path>) (NFS) or C(//<server>/<share>/<path>) (CIFS). The file is
            C(<url>/<name>.ova), or C(<url>/<name>/<name>.ovf) with O(export.format=ovf).
        type: str
        required: true
      format:
        description: V(ova) (one file) or V(ovf) (a directory).
        type: str
        choices: [ova, ovf]
        default: ova
      overwrite:
        description: Replace a file of the same name (VRM C(isOverwrite)).
        type: bool
        default: false
      username:
        description: User of the CIFS share.
        type: str
      password:
        description: Password of the CIFS share.
        type: str
seealso:
  - module: fusioncompute.core.fc_image_info
  - module: fusioncompute.core.fc_vm
"""

EXAMPLES = r"""
- name: A template imported from the image store's HTTP server
  fusioncompute.core.fc_template:
    name: tpl-alpine
    source:
      url: //198.51.100.210/library/templates/alpine-3.19.ova
    cluster: cluster-dev
    datastore: datastore-dev
    disk_gb: 8
    os: {type: Linux}

- name: Written to another site's share
  fusioncompute.core.fc_template:
    name: tpl-alpine
    state: exported
    export:
      url: //198.51.100.210/library/exports
      format: ova
      overwrite: true

- name: Removed
  fusioncompute.core.fc_template:
    name: tpl-alpine
    state: absent
"""

RETURN = r"""
template:
  description: The template; the fields are those of M(fusioncompute.core.fc_image_info)'s
    RV(fusioncompute.core.fc_image_info#module:templates).
  returned: state is present or exported
  type: dict
  sample:
    name: tpl-alpine
    urn: urn:sites:4D6B0918:vms:i-00000009
    description: ''
    cluster: cluster-dev
    os: {type: Linux, version: 302}
    cpu: 2
    memory_mb: 2048
    disks: [{size_gb: 8, datastore: datastore-dev, thin: true}]
exported_to:
  description: The file the template was written to (or, when nothing changed, that already held it).
  returned: state is exported
  type: str
  sample: //198.51.100.210/library/exports/tpl-alpine.ova
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
tasks:
  description: The VRM tasks the module started, in order (C(task_urn), C(method), C(path), C(status), C(duration)).
  returned: when tasks were started
  type: list
  elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_images import (
    export_target, source_protocol, template_view)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_checks import GENERIC_OS, check_os_version

CIFS_AUTH = dict(username=dict(type="str"), password=dict(type="str", no_log=True))


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "exported", "absent"]),
        source=dict(type="dict", options=dict(url=dict(type="str", required=True), **CIFS_AUTH)),
        cluster=dict(type="str"), datastore=dict(type="str"), disk_gb=dict(type="int", default=20),
        os=dict(type="dict", options=dict(type=dict(type="str", default="Linux", choices=["Linux", "Windows", "Other"]),
                                          version=dict(type="int"))),
        cpu=dict(type="int", default=2), memory_mb=dict(type="int", default=2048), description=dict(type="str"),
        export=dict(type="dict", options=dict(
            url=dict(type="str", required=True), format=dict(type="str", default="ova", choices=["ova", "ovf"]),
            overwrite=dict(type="bool", default=False), **CIFS_AUTH)),
    ), required_if=[("state", "exported", ("export",))])
    fc.run(lambda: run(fc))


def validate(p):
    if p["source"]:
        protocol = source_protocol(p["source"]["url"])
        if not p["source"]["url"].lower().endswith((".ovf", ".ova", ".xml")):
            raise FcError("source.url %r does not name an .ovf or .ova template file." % p["source"]["url"])
        if protocol != "cifs" and (p["source"].get("username") or p["source"].get("password")):
            raise FcError("source.username and source.password are for a CIFS share, not %s." % p["source"]["url"])
    if p["export"]:
        export_target(p["name"], p["export"])
    if not 1 <= p["disk_gb"] <= 65536:
        raise FcError("disk_gb must be from 1 to 65536, not %d." % p["disk_gb"])
    if not 1 <= p["cpu"] <= 255:
        raise FcError("cpu must be from 1 to 255, not %d." % p["cpu"])
    if not 128 <= p["memory_mb"] <= 4194304:
        raise FcError("memory_mb must be from 128 to 4194304, not %d." % p["memory_mb"])


def run(fc):
    p = fc.params
    validate(p)
    tpl = fc_lookup.vm(fc, name=p["name"], templates=True)
    if tpl is None:
        vm = fc_lookup.vm(fc, name=p["name"], templates=False)
        if vm is not None:
            raise FcError("%s is a VM, not a template; turn it into one with fusioncompute.core.fc_vm "
                          "is_template=true, or choose another name." % p["name"])
    if p["state"] == "absent":
        if tpl is None:
            return {"changed": False, "diff": {"before": {}, "after": {}}}
        if not fc.check_mode:
            fc.call("DELETE", tpl["uri"], params={"isReserveDisks": 0})
        return {"changed": True, "plan": ["delete template %s" % p["name"]],
                "diff": {"before": template_view(tpl), "after": {}}}
    result = {"changed": False, "diff": {"before": {}, "after": {}}, "plan": []}
    if tpl is None:
        tpl = _import(fc, result)
    if p["state"] == "exported":
        _export(fc, tpl, result)
    if not result["plan"]:
        del result["plan"]
    result["template"] = template_view(tpl) if tpl.get("urn") else tpl
    return result


def _import(fc, result):
    p = fc.params
    if not p["source"]:
        raise FcError("Template %s does not exist; give source to import it." % p["name"])
    missing = [k for k in ("cluster", "datastore") if not p[k]]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise FcError("%s %s required to import template %s." % (" and ".join(missing), verb, p["name"]))
    cluster = fc_lookup.cluster(fc, p["cluster"])
    ds = fc_lookup.datastore(fc, p["datastore"])
    os_opt = p["os"] or {"type": "Linux", "version": None}
    check_os_version(fc.client, fc.site_uri, os_opt["type"], os_opt.get("version"))
    src = p["source"]
    body = {"name": p["name"], "location": cluster["urn"], "isTemplate": True, "autoBoot": False,
            "url": src["url"], "protocol": source_protocol(src["url"]),
            "osOptions": {"osType": os_opt["type"], "osVersion": os_opt.get("version") or GENERIC_OS[os_opt["type"]]},
            "vmConfig": {"cpu": {"quantity": p["cpu"]}, "memory": {"quantityMB": p["memory_mb"]},
                         "disks": [{"sequenceNum": 1, "quantityGB": p["disk_gb"], "datastoreUrn": ds["urn"],
                                    "isThin": True}]}}
    for k in ("username", "password"):
        if src.get(k):
            body[k] = src[k]
    if p["description"] is not None:
        body["description"] = p["description"]
    after = {"name": p["name"], "source": src["url"], "cluster": cluster["name"], "datastore": ds["name"],
             "disk_gb": p["disk_gb"], "os": os_opt, "cpu": p["cpu"], "memory_mb": p["memory_mb"]}
    result.update(changed=True)
    result["plan"].append("import template %s from %s" % (p["name"], src["url"]))
    result["diff"]["after"].update(after)
    if fc.check_mode:
        return after
    answer = fc.call("POST", fc.site_uri + "/vms/action/import", body=body)
    return fc.client.get(answer["uri"])


def _export(fc, tpl, result):
    p = fc.params
    exp = p["export"]
    target = export_target(p["name"], exp)
    result["exported_to"] = target
    result["plan"].append("export template %s to %s" % (p["name"], target))
    result["diff"]["after"]["exported_to"] = target
    if fc.check_mode:
        result["changed"] = True
        return
    body = {"name": p["name"], "format": exp["format"], "url": exp["url"].rstrip("/"),
            "protocol": source_protocol(exp["url"].rstrip("/"), "export.url"), "isOverwrite": exp["overwrite"]}
    for k in ("username", "password"):
        if exp.get(k):
            body[k] = exp[k]
    try:
        fc.call("POST", tpl["uri"] + "/action/export", body=body)
    except FcApiError as exc:
        if exc.code != "10321002" or exp["overwrite"]:
            raise
        # VRM would not overwrite the file: it is there already (a failed task changed nothing)
        result["plan"].pop()
        del result["diff"]["after"]["exported_to"]
        return
    result["changed"] = True


if __name__ == "__main__":
    main()

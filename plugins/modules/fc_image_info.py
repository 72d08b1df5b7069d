#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_image_info
short_description: Read the templates and ISOs a FusionCompute site uses
version_added: 0.1.0
description:
  - Lists the images a site can deploy from, its templates (with the number of linked clones of each), and the ISO
    files in the CD-ROM drives of its VMs, with the VMs that hold each.
  - VRM has no call that lists the files of a share or of a datastore, so an ISO appears here once a VM holds it;
    the image store's own listing (for example the C(imgs) role's C(imgs_isos)) is where the others are.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Only the template of this exact name (the ISO list is not filtered).
    type: str
  isos:
    description: Read the CD-ROMs of the site's VMs (one request per VM with an ISO inserted).
    type: bool
    default: true
seealso:
  - module: fusioncompute.core.fc_template
  - module: fusioncompute.core.fc_vm
"""

EXAMPLES = r"""
- name: Templates and ISOs in use
  fusioncompute.core.fc_image_info:
  register: images

- name: One template, no ISOs
  fusioncompute.core.fc_image_info:
    name: tpl-centos7
    isos: false
  register: centos
"""

RETURN = r"""
templates:
  description: The templates of the site, by name.
  returned: always
  type: list
  elements: dict
  sample:
    - name: tpl-centos7
      urn: urn:sites:4D6B0918:vms:i-00000001
      description: ''
      cluster: cluster-prod
      os: {type: Linux, version: 10115}
      cpu: 2
      memory_mb: 4096
      disks: [{size_gb: 40, datastore: nfs-images, thin: true}]
      linked_clones: 0
  contains:
    name:
      description: Name of the template.
      type: str
    urn:
      description: URN of the template.
      type: str
    description:
      description: Its description.
      type: str
    cluster:
      description: Cluster it belongs to.
      type: str
    os:
      description: Guest OS (C(type), C(version)).
      type: dict
    cpu:
      description: vCPUs.
      type: int
    memory_mb:
      description: Memory in MB.
      type: int
    disks:
      description: Its disks in slot order (C(size_gb), C(datastore), C(thin)).
      type: list
      elements: dict
    linked_clones:
      description: How many linked clones of it exist (a template with linked clones cannot become a VM).
      type: int
isos:
  description: The ISOs in the CD-ROM drives of the site's VMs, by path.
  returned: always (empty with O(isos=false))
  type: list
  elements: dict
  sample:
    - iso_path: //198.51.100.210/library/iso/centos-9-stream.iso
      vms: [installer-01]
  contains:
    iso_path:
      description: Path of the ISO as VRM holds it.
      type: str
    vms:
      description: Names of the VMs that hold it.
      type: list
      elements: str
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_images import template_view
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str"), isos=dict(type="bool", default=True)))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    params = {"isTemplate": "true", "detail": 2}
    if p["name"]:
        params["name"] = p["name"]
    templates = []
    for tpl in fc.client.list_all(fc.site_uri + "/vms", "vms", params):
        if p["name"] and tpl.get("name") != p["name"]:
            continue
        view = template_view(tpl)
        query = {"isLinkClone": "true", "templateUrn": tpl["urn"], "detail": 0, "limit": 1, "offset": 0}
        clones = fc.client.get(fc.site_uri + "/vms", params=query) or {}
        view["linked_clones"] = int(clones.get("total") or 0)
        templates.append(view)
    isos = {}
    if p["isos"]:
        for vm in fc.client.list_all(fc.site_uri + "/vms", "vms", {"isTemplate": "false", "detail": 1}):
            if (vm.get("cdRomStatus") or "empty") == "empty":
                continue
            cd = fc.client.request("POST", vm["uri"] + "/action/describeCdrom", read=True) or {}
            if cd.get("devicePath"):
                isos.setdefault(cd["devicePath"], []).append(vm["name"])
    return {"changed": False, "templates": sorted(templates, key=lambda t: t["name"] or ""),
            "isos": [{"iso_path": k, "vms": sorted(v)} for k, v in sorted(isos.items())]}


if __name__ == "__main__":
    main()

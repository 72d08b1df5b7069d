#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_folder
short_description: Manage FusionCompute folders of VMs and clusters
version_added: 0.1.0
description:
  - Creates and deletes a folder of the site, and moves VMs into a VM folder or clusters into a cluster folder.
  - A folder is named by its path from the site, V(prod/web) being the folder C(web) in the folder C(prod). Folder
    names are unique among their siblings of one type, so a path names one folder. Missing parent folders are
    created first, as C(mkdir -p) does.
  - VM folders nest (VRM allows a VM folder in the site or in another VM folder); cluster folders live directly
    in the site.
  - VRM refuses to delete a folder that still holds folders, VMs or clusters; the module names them before it
    sends anything.
  - The P(fusioncompute.core.fc_vms#inventory) inventory groups VMs by their folder.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  path:
    description: Path of the folder from the site, folder names separated by C(/) (each 1-256 characters).
    type: str
    required: true
    aliases: [name]
  type:
    description: V(vm) for a folder of VMs, V(cluster) for a folder of clusters (only directly in the site).
    type: str
    choices: [vm, cluster]
    default: vm
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  vms:
    description:
      - VMs (or templates), by name or URN, that must be in this folder; those elsewhere are moved in. VMs in the
        folder that the list does not name stay. Only for O(type=vm).
    type: list
    elements: str
  clusters:
    description:
      - Clusters, by name or URN, that must be in this folder; those elsewhere are moved in (VRM's cluster
        C(parentObjUrn)). Clusters in the folder that the list does not name stay. Only for O(type=cluster).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: A folder for the web tier, with its parent
  fusioncompute.core.fc_folder:
    path: production/web

- name: The two templates live in a folder of their own
  fusioncompute.core.fc_folder:
    path: templates
    vms:
      - tpl-centos7
      - tpl-ubuntu2204

- name: A folder for the clusters of one region, with the production cluster in it
  fusioncompute.core.fc_folder:
    path: emea
    type: cluster
    clusters: [cluster-prod]

- name: Remove the web folder (it must be empty)
  fusioncompute.core.fc_folder:
    path: production/web
    state: absent
"""

RETURN = r"""
folder:
  description: The folder after the run (what it would be in check mode; empty when absent).
  returned: always
  type: dict
  sample:
    path: production/web
    name: web
    type: vm
    urn: "urn:sites:4D6B0918:folders:2"
    parent_urn: "urn:sites:4D6B0918:folders:1"
    vms: [web-01, web-02]
  contains:
    path:
      description: Path from the site.
      type: str
    name:
      description: The folder's own name.
      type: str
    type:
      description: V(vm) or V(cluster).
      type: str
    urn:
      description: URN of the folder (absent in check mode before it exists).
      type: str
    parent_urn:
      description: URN of the parent folder, or of the site.
      type: str
    vms:
      description: Names of the VMs and templates directly in the folder (VM folders).
      type: list
      elements: str
    clusters:
      description: Names of the clusters in the folder (cluster folders).
      type: list
      elements: str
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample:
    - create VM folder production
    - create VM folder production/web
    - move VM web-01 into folder production/web
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_folders, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step


class Folder(Resource):
    kind = "folder"

    def validate(self):
        p = self.params
        self.parts = fc_folders.split_path(p["path"])
        self.path = "/".join(self.parts)
        self.ftype = fc_folders.TYPES[p["type"]]
        # what the folder holds besides folders: VMs (type vm) or clusters (type cluster)
        self.members = "vms" if p["type"] == "vm" else "clusters"
        if p["type"] == "cluster" and len(self.parts) > 1:
            raise FcError("Cluster folders live directly in the site; %r names a folder inside another." % self.path)
        other = "clusters" if self.members == "vms" else "vms"
        if p[other]:
            kind = "vm" if other == "vms" else "cluster"
            raise FcError("%s is only for %s folders (type=%s)." % (other, "VM" if kind == "vm" else kind, kind))
        self._move = []

    def find(self):
        found = fc_folders.walk(self.client, self.fc.site_uri, self.parts, self.ftype)
        self._found = found
        return found[-1] if len(found) == len(self.parts) else None

    def _inside(self, obj):
        """The VMs or clusters directly in the folder."""
        if not obj.get("urn"):
            return []
        if self.members == "vms":
            return self.client.list_all(self.fc.site_uri + "/vms", "vms", {"scope": obj["urn"], "detail": 0})
        return (self.client.get(self.fc.site_uri + "/clusters", params={"parentObjUrn": obj["urn"]}) or {}).get(
            "clusters") or []

    def view(self, obj):
        return {"path": self.path, "type": self.params["type"],
                self.members: sorted(m.get("name") for m in self._inside(obj))}

    def returned(self, obj):
        out = self.view(obj)
        out.update(name=obj.get("name"), urn=obj.get("urn"), parent_urn=obj.get("parentObjUrn"))
        return out

    def _wanted_members(self):
        out = []
        for ref in self.params[self.members]:
            if self.members == "vms":
                obj = fc_lookup.vm(self.fc, urn=ref if is_urn(ref) else None, name=None if is_urn(ref) else ref,
                                   required=True)
            else:
                obj = fc_lookup.cluster(self.fc, ref)
            if obj["urn"] not in [o["urn"] for o in out]:
                out.append(obj)
        return out

    def desired(self):
        self._wanted = self._wanted_members() if self.params[self.members] is not None else None
        return {"path": self.path, "type": self.params["type"], self.members: None}

    def compare(self, current, desired):
        if self._wanted is None:
            return {}
        inside = set(current.get(self.members) or [])
        self._move = [o for o in self._wanted if o.get("name") not in inside]
        if not self._move:
            return {}
        return {self.members: sorted(inside | {o["name"] for o in self._move})}

    def _move_vms(self, urns, folder_urn):
        answer = self.fc.call("POST", self.fc.site_uri + "/folders/action/move-into-folder", body={
            "elementType": 1, "elementUrns": urns, "parentFolderUrn": folder_urn}) or {}
        failed = answer.get("moveVmsFaileddList") or []
        if failed:
            raise FcError("VRM did not move %s into folder %s: %s" % (
                ", ".join(f.get("vmName") or f.get("vmId", "?") for f in failed), self.path,
                "; ".join("%s (%s)" % (f.get("errorDes"), f.get("errorCode")) for f in failed)))

    def _move_step(self, get_urn):
        moving = list(self._move)

        def move():
            if self.members == "vms":
                self._move_vms([o["urn"] for o in moving], get_urn())
            for cluster in moving if self.members == "clusters" else []:
                self.fc.call("PUT", cluster["uri"], body={"parentObjUrn": get_urn()})
        return Step("move %s %s into folder %s" % (
            "VM" if self.members == "vms" else "cluster", ", ".join(o["name"] for o in moving), self.path), move)

    def _create_level(self, made, depth):
        """Create the folder at ``depth`` of the path in the one above it (made by this run or found)."""
        body = {"name": self.parts[depth], "type": self.ftype}
        above = made.get(depth - 1) or (self._found[-1]["urn"] if self._found else None)
        if above:
            body["parentObjUrn"] = above
        made[depth] = self.fc.call("POST", self.fc.site_uri + "/folders", body=body)["urn"]

    def plan_create(self, desired):
        made = {}
        steps = []
        what = "VM" if self.ftype == 1 else "cluster"
        for depth in range(len(self._found), len(self.parts)):
            steps.append(Step("create %s folder %s" % (what, "/".join(self.parts[:depth + 1])),
                              lambda d=depth: self._create_level(made, d)))
        if self._wanted:
            self._move = list(self._wanted)
            steps.append(self._move_step(lambda: made[len(self.parts) - 1]))
        return steps

    def diff_create(self, desired):
        out = {"path": self.path, "type": self.params["type"]}
        if self._wanted:
            out[self.members] = sorted(o["name"] for o in self._wanted)
        return out

    def plan_update(self, obj, current, changes):
        return [self._move_step(lambda: obj["urn"])] if self._move else []

    def plan_delete(self, obj):
        inside = [f["name"] + "/" for f in fc_folders.children(self.client, self.fc.site_uri, obj["urn"])]
        inside += [m.get("name") for m in self._inside(obj)]
        if inside:
            raise FcError("Folder %s is not empty: it holds %s. Move or remove them first (VRM error 10300620)."
                          % (self.path, ", ".join(sorted(inside))))
        return [Step("delete %s folder %s" % ("VM" if self.ftype == 1 else "cluster", self.path),
                     lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    fc = FcModule(dict(
        path=dict(type="str", required=True, aliases=["name"]),
        type=dict(type="str", default="vm", choices=["vm", "cluster"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vms=dict(type="list", elements="str"),
        clusters=dict(type="list", elements="str"),
    ), wait=False)
    fc.run(lambda: Folder(fc).run())


if __name__ == "__main__":
    main()

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's media options: the CD-ROM (an ISO of an image store share or of an NFS datastore), deploying with a
saved customization specification, and linked clones. The options' documentation is the doc fragment
fc_vm_media; fc_vm merges MEDIA_SPEC into its argument spec and composes VmMedia."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_images import cdrom_view, find_spec, iso_protocol
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step

MEDIA_SPEC = dict(
    cdrom=dict(type="dict", options=dict(
        iso_path=dict(type="str"), state=dict(type="str", default="connected", choices=["connected", "disconnected"]),
        username=dict(type="str"), password=dict(type="str", no_log=True))),
    customization_spec=dict(type="str"),
    linked_clone=dict(type="bool", default=False),
)


class VmMedia:
    """Mixed into fc_vm's resource class: needs ``self.fc``, ``self.client``, ``self.params``."""

    def validate_media(self):
        p = self.params
        cd = p["cdrom"]
        if cd:
            if cd["state"] == "connected":
                if not cd.get("iso_path"):
                    raise FcError("cdrom.iso_path is required with cdrom.state=connected.")
                protocol = iso_protocol(cd["iso_path"])
                if protocol != "cifs" and (cd.get("username") or cd.get("password")):
                    raise FcError("cdrom.username and cdrom.password are for a CIFS share (//server/share/...), not "
                                  "for the datastore file %s." % cd["iso_path"])
                if cd.get("username") is not None and not 1 <= len(cd["username"]) <= 63:
                    raise FcError("cdrom.username must be 1 to 63 characters (VRM's limit).")
                if cd.get("password") is not None and len(cd["password"]) > 63:
                    raise FcError("cdrom.password must be at most 63 characters (VRM's limit).")
            elif cd.get("iso_path"):
                raise FcError("cdrom.iso_path is not used with cdrom.state=disconnected; remove it.")
            if p["is_template"]:
                raise FcError("cdrom cannot be set on a template (VRM attaches CD-ROMs to running VMs only).")
        if p["customization_spec"] and p["customization"]:
            raise FcError("customization and customization_spec are mutually exclusive.")
        if p["linked_clone"] and not p["template"]:
            raise FcError("linked_clone=true needs template: VRM makes linked clones of templates only (10300397).")
        if p["linked_clone"] and p["is_template"]:
            raise FcError("linked_clone=true makes a VM; it cannot be combined with is_template=true.")

    # -- reading and comparing -----------------------------------------------------------------------
    def media_view(self, obj):
        out = {}
        if self.params["cdrom"]:
            out["cdrom"] = cdrom_view(self.client, obj)
        return out

    def media_desired(self):
        p = self.params
        d = {}
        if p["cdrom"]:
            d["cdrom"] = {"connected": p["cdrom"]["state"] == "connected", "iso_path": p["cdrom"].get("iso_path")}
        if p["customization_spec"]:
            d["customization_spec"] = p["customization_spec"]
        if p["linked_clone"]:
            d["linked_clone"] = True
        return d

    def media_changes(self, current, desired):
        want = desired.get("cdrom")
        have = current.get("cdrom")
        if want is None or have is None:
            return {}
        if want["connected"] != have["connected"] or (want["connected"] and want["iso_path"] != have["iso_path"]):
            return {"cdrom": want}
        return {}

    def media_warnings(self, obj):
        p = self.params
        if p["linked_clone"] and not obj.get("isLinkClone"):
            self.fc.warn("linked_clone is used only to deploy a VM; %s exists and is a full copy." % obj.get("name"))
        if p["customization_spec"]:
            self.fc.warn("customization_spec is applied only when a VM is deployed or cloned; %s exists, nothing "
                         "was applied." % obj.get("name"))

    # -- planning --------------------------------------------------------------------------------------
    def plan_media(self, obj, current, changes, running_after):
        """Steps for the CD-ROM; they come after the power steps (VRM changes a CD-ROM of a running VM only)."""
        if "cdrom" not in changes:
            return []
        want = changes["cdrom"]
        have = current.get("cdrom") or {}
        if not running_after:
            raise FcError("VRM attaches and detaches CD-ROMs of running VMs only, and %s is %s; set power_state: "
                          "powered-on to change cdrom." % (obj["name"], current.get("power_state")))
        return self._cdrom_steps(lambda: obj["uri"], obj["name"], have.get("connected"), want)

    def plan_media_create(self, source):
        """Steps after a VM was created: the CD-ROM when one is asked for."""
        if self.params["customization_spec"] and source is None:
            raise FcError("customization_spec applies to a VM deployed from a template or cloned; give template or "
                          "clone_from.")
        cd = self.params["cdrom"]
        if not cd or cd["state"] != "connected":
            return []
        if self.params["power_state"] not in (None, "powered-on"):
            raise FcError("VRM attaches a CD-ROM to a running VM only; cdrom needs power_state: powered-on, not %s."
                          % self.params["power_state"])
        return self._cdrom_steps(lambda: urn_to_uri(self._created_urn), self.params["name"], False,
                                 {"connected": True, "iso_path": cd["iso_path"]})

    def _cdrom_steps(self, uri, name, connected, want):
        steps = []
        if connected:
            steps.append(Step("eject the CD-ROM of %s" % name,
                              lambda: self.fc.call("POST", uri() + "/action/detachCdrom")))
        if want["connected"]:
            cd = self.params["cdrom"]
            body = {"devicePath": want["iso_path"], "protocol": iso_protocol(want["iso_path"])}
            for k in ("username", "password"):
                if cd.get(k):
                    body[k] = cd[k]
            steps.append(Step("insert %s into the CD-ROM of %s" % (want["iso_path"], name),
                              lambda: self.fc.call("POST", uri() + "/action/attachCdrom", body=body)))
        return steps

    # -- creation --------------------------------------------------------------------------------------
    def media_clone_body(self, source, body):
        """Linked clone and saved specification for a deployment's body (``body`` is changed)."""
        p = self.params
        if p["linked_clone"]:
            if not source.get("isTemplate"):
                raise FcError("linked_clone=true needs a template; %s is a VM." % source.get("name"))
            body["isLinkClone"] = True
        if p["customization_spec"]:
            spec = find_spec(self.fc, p["customization_spec"], required=True)
            os_type = (source.get("osOptions") or {}).get("osType")
            if spec.get("osType") and os_type and spec["osType"] != os_type:
                raise FcError("Customization specification %s is for %s guests; %s runs %s (VRM 10300356)." % (
                    spec["name"], spec["osType"], source.get("name"), os_type))
            body["vmCustomization"] = {"osType": spec.get("osType") or os_type,
                                       "vmcustomizationId": spec["urn"].rsplit(":", 1)[1]}
        return body

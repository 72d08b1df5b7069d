# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's plan for a VM that does not exist yet (blank, deployed from a template, cloned or imported), and the
warnings for the options that only count at creation when the VM exists."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_checks import (
    CPU_KEYS, GENERIC_OS, MEM_KEYS, check_os_version, netmask)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import BUSES, next_slot, vm_view


class VmCreate:
    """Mixed into fc_vm's resource class: needs ``self.fc``, ``self.client``, ``self.params`` and the power and
    bandwidth helpers of fc_vm_devices.VmDevices."""

    _created_urn = None

    def check_create_only(self, obj):
        """Warn where an existing VM differs in what only its creation sets (cluster, OS, customization, disk
        placement)."""
        p = self.params
        if p["cluster"] and p["cluster"] not in (obj.get("clusterName"), obj.get("clusterUrn")):
            self.fc.warn("cluster is used only to create a VM; %s is in cluster %s, not %s (move it with "
                         "fusioncompute.core.fc_vm_migrate)." % (obj.get("name"), obj.get("clusterName"), p["cluster"]))
        if p["os"]:
            have = obj.get("osOptions") or {}
            want = {"osType": p["os"]["type"], "osVersion": p["os"]["version"]}
            if any(v is not None and have.get(k) != v for k, v in want.items()):
                self.fc.warn("os is used only to create a VM; %s has OS %s %s, not %s." % (
                    obj.get("name"), have.get("osType"), have.get("osVersion"),
                    " ".join(str(v) for v in want.values() if v is not None)))
        wanted = (p["customization"] or {}).get("hostname")
        have = (obj.get("osOptions") or {}).get("hostname")
        if wanted and have and wanted != have:
            self.fc.warn("customization is applied only when a VM is deployed or cloned; %s exists and its guest "
                         "reports host name %s, not %s." % (obj.get("name"), have, wanted))
        current = vm_view(obj)["disks"]
        for i, (want, have) in enumerate(zip(p["disks"] or [], current)):
            ds = want.get("datastore")
            if ds and ds not in (have["datastore"], have["datastore_urn"]):
                self.fc.warn("disks[%d].datastore is used only for a new disk; disk %d is on %s, not %s (move it "
                             "with fusioncompute.core.fc_vm_migrate)." % (i, have["slot"], have["datastore"], ds))
            if want.get("thin") is not None and want["thin"] != have["thin"]:
                self.fc.warn("disks[%d].thin is used only for a new disk; disk %d is %s." % (
                    i, have["slot"], "thin" if have["thin"] else "thick"))
            if want.get("bus") and want["bus"] != have["bus"]:
                self.fc.warn("disks[%d].bus is used only for a new disk; disk %d is on the %s bus." % (
                    i, have["slot"], have["bus"]))
        self.media_warnings(obj)

    def _location(self):
        p = self.params
        if p["cna_host"]:
            h = fc_lookup.host(self.fc, p["cna_host"])
            return h["urn"], h
        if p["cluster"]:
            return fc_lookup.cluster(self.fc, p["cluster"])["urn"], None
        return None, None

    def _customization(self, os_type):
        c = self.params["customization"]
        if not c:
            return None
        out = {"osType": os_type or "Linux"}
        if c.get("hostname"):
            out["hostname"] = c["hostname"]
        if c.get("password"):
            out["password"] = c["password"]
            out["isUpdateVmPassword"] = True
        specs = []
        for i, n in enumerate(c.get("nics") or [], start=1):
            spec = {"sequenceNum": i}
            if n.get("ip"):
                spec.update(ip=n["ip"], netmask=netmask(n.get("netmask")), gateway=n.get("gateway"))
            if n.get("dns"):
                spec["setdns"] = n["dns"][0]
                if len(n["dns"]) > 1:
                    spec["adddns"] = n["dns"][1]
            specs.append({k: v for k, v in spec.items() if v is not None})
        if specs:
            out["nicSpecification"] = specs
        return out

    def plan_create(self, desired):
        p = self.params
        if not p["name"]:
            raise FcError("name is required to create a VM.")
        location, host = self._location()
        source = None
        if p["template"]:
            source = fc_lookup.vm(self.fc, name=None if p["template"].startswith("urn:") else p["template"],
                                  urn=p["template"] if p["template"].startswith("urn:") else None, templates=None)
            if source is None:
                raise FcError("Template %r not found." % p["template"])
            if not source.get("isTemplate"):
                raise FcError("%s is a VM, not a template; use clone_from to clone a VM." % p["template"])
        elif p["clone_from"]:
            ref = p["clone_from"]
            source = fc_lookup.vm(self.fc, name=None if ref.startswith("urn:") else ref,
                                  urn=ref if ref.startswith("urn:") else None, required=True)
        sourceless = "imported" if p["image"] else "blank"   # what a VM without a source VM is
        if location is None:
            if source is None:
                raise FcError("cluster or cna_host is required to create a VM that is %s." % sourceless)
            location = source.get("clusterUrn")
        cfg = {}
        if p["cpu"]:
            cfg["cpu"] = {CPU_KEYS[k]: v for k, v in p["cpu"].items() if v is not None}
        if p["memory"]:
            cfg["memory"] = {MEM_KEYS[k]: v for k, v in p["memory"].items() if v is not None}
        disks = []
        first_ds = None
        src_disks = sorted((source or {}).get("vmConfig", {}).get("disks", []), key=lambda d: d["sequenceNum"])
        for i, d in enumerate(p["disks"] or [], start=1):
            ds = fc_lookup.datastore(self.fc, d["datastore"]) if d.get("datastore") else None
            if ds is None and first_ds is None and not src_disks:
                raise FcError("disks[%d].datastore is required for a %s VM." % (i - 1, sourceless))
            ds = ds or first_ds
            if first_ds is None and ds is not None:
                first_ds = ds
            if i <= len(src_disks) and d["size_gb"] < src_disks[i - 1]["quantityGB"]:
                raise FcError("disks[%d].size_gb %d is smaller than the source disk (%d GB); disks never shrink."
                              % (i - 1, d["size_gb"], src_disks[i - 1]["quantityGB"]))
            # a source disk keeps its slot (VRM matches the source's disks by slot number); a new one comes after
            slot = src_disks[i - 1]["sequenceNum"] if i <= len(src_disks) else \
                next_slot([x["sequenceNum"] for x in src_disks + disks], d.get("bus"), "disks[%d]" % (i - 1))
            entry = {"sequenceNum": slot, "quantityGB": d["size_gb"], "isThin": d.get("thin") is not False,
                     "pciType": src_disks[i - 1]["pciType"] if i <= len(src_disks) else BUSES[d.get("bus") or "virtio"]}
            if ds is not None:
                entry["datastoreUrn"] = ds["urn"]
            disks.append(entry)
        if disks:
            cfg["disks"] = disks
        if p["nics"] is not None:
            nics = []
            for i, n in enumerate(p["nics"]):
                pg = fc_lookup.portgroup(self.fc, n["portgroup"])
                entry = {"portGroupUrn": pg["urn"], "sequenceNum": i}
                if n.get("mac"):
                    entry["mac"] = n["mac"].lower()
                entry.update(self._nic_group_body(i, n))
                nics.append(entry)
            cfg["nics"] = nics
        boot = p["power_state"] in (None, "powered-on", "suspended") and not p["is_template"]
        body = {"name": p["name"], "location": location, "autoBoot": boot}
        if p["description"] is not None:
            body["description"] = p["description"]
        if host is not None:
            body["isBindingHost"] = p["bind_to_host"]
        if source is not None:
            body["vmConfig"] = cfg
            if p["is_template"]:
                body["isTemplate"] = True
            cust = self._customization((source.get("osOptions") or {}).get("osType"))
            if cust:
                body["vmCustomization"] = cust
            self.media_clone_body(source, body)
            path = source["uri"] + "/action/clone"
            what = "deploy %s from template %s" % (p["name"], source["name"]) if source.get("isTemplate") else \
                "clone %s from VM %s" % (p["name"], source["name"])
        else:
            os_opt = p["os"] or {}
            os_type = os_opt.get("type") or "Linux"
            check_os_version(self.client, self.fc.site_uri, os_type, os_opt.get("version"))
            body["osOptions"] = {"osType": os_type, "osVersion": os_opt.get("version") or GENERIC_OS[os_type]}
            body["vmConfig"] = cfg
            if p["image"]:
                img = p["image"]
                body.update(url=img["url"], protocol=img["protocol"], isTemplate=bool(p["is_template"]))
                for k in ("username", "password"):
                    if img.get(k):
                        body[k] = img[k]
                path = self.fc.site_uri + "/vms/action/import"
                what = "import %s %s from %s" % ("template" if p["is_template"] else "VM", p["name"], img["url"])
            else:
                path = self.fc.site_uri + "/vms"
                what = "create blank VM %s" % p["name"]
            if p["customization"]:
                self.fc.warn("customization applies to deployments and clones only; it is ignored for a %s VM."
                             % sourceless)

        def create():
            answer = self.fc.call("POST", path, body=body, follow_up=bool(body.get("vmCustomization")))
            self._created_urn = answer.get("urn")
            vm = self.client.get(answer["uri"])
            if boot and p["wait"] and vm.get("status") not in ("running", "starting"):  # else autoBoot starts it
                # VRM's create task succeeds even when the VM could not be started; the reason is in the task
                if p["power_state"] in ("powered-on", "suspended"):
                    self._power(vm["uri"], "start")      # fails with VRM's code when it still cannot start
                    vm = self.client.get(vm["uri"])
                else:
                    self.fc.warn("VRM created %s but did not start it%s." % (p["name"], self._task_reason(answer)))
            if p["is_template"] and source is None and not p["image"]:
                self.fc.call("PUT", vm["uri"], body={"isTemplate": True})
            if p["power_state"] == "suspended" and vm.get("status") == "running":
                self.fc.call("POST", vm["uri"] + "/action/hibernate")
            self._apply_bandwidth(vm["uri"])
            self._apply_bindings(vm["uri"])
        return [Step(what, create)] + self.plan_media_create(source)

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's plans for an existing VM's disks, NICs and NIC bandwidth, and its power transitions."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup, fc_secgroup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import BUSES, next_slot, vm_view


# A NIC's bandwidth options and the fields of its virtual switch port (vsp) that hold them.
BANDWIDTH_KEYS = (("tx_average", "txLimit"), ("tx_peak", "txPeakLimit"), ("tx_burst", "txBurstSize"),
                  ("priority", "priority"))


def bandwidth_view(vsp):
    """A virtual switch port's shaping in the option names of O(nics[].bandwidth)."""
    return {k: (vsp or {}).get(f) for k, f in BANDWIDTH_KEYS}


def _disk_entry(d):
    return {"size_gb": d["size_gb"], "datastore": d["datastore"], "thin": d["thin"], "bus": d["bus"]}


class VmDevices:
    """Mixed into fc_vm's resource class: needs ``self.fc``, ``self.client`` and ``self.params``."""

    # -- what the diff shows: every changed field with the option names, devices entry by entry ------------
    def diff_create(self, desired):
        p = self.params
        after = {k: v for k, v in desired.items() if v is not None and k not in ("disks", "nics")}
        for k in ("template", "clone_from", "cluster", "cna_host"):
            if p[k]:
                after[k] = p[k]
        if p["disks"] is not None:
            after["disks"] = [{k: v for k, v in d.items() if v is not None} for d in p["disks"]]
        if p["nics"] is not None:
            after["nics"] = [{k: v for k, v in n.items() if v is not None and v != {}} for n in p["nics"]]
        cust = p["customization"]
        if cust:   # the guest password stays out of the diff
            after["customization"] = {k: v for k, v in cust.items() if v is not None and k != "password"}
            if cust.get("nics"):
                after["customization"]["nics"] = [{k: v for k, v in n.items() if v is not None} for n in cust["nics"]]
        return after

    def diff_update(self, current, changes):
        before, after = {}, {}
        for k, v in changes.items():
            if k in ("cpu", "memory"):
                before[k] = {f: current[k].get(f) for f in v}
                after[k] = dict(v)
            elif k == "disks":
                before[k], after[k] = self._disks_diff(current)
            elif k == "nics":
                before[k], after[k] = self._nics_diff(current)
            else:
                before[k], after[k] = current.get(k), v
        return before, after

    def _disks_diff(self, current):
        cur = [_disk_entry(d) for d in current["disks"]]
        after = []
        for i, w in enumerate(self.params["disks"]):
            if i < len(cur):
                after.append(dict(cur[i], size_gb=max(w["size_gb"], cur[i]["size_gb"])))
            else:
                after.append({"size_gb": w["size_gb"], "datastore": w.get("datastore") or
                              (cur[0]["datastore"] if cur else None), "thin": w.get("thin") is not False,
                              "bus": w.get("bus") or "virtio"})
        if not self.params["disks_remove_unmanaged"]:
            after += cur[len(after):]
        return cur, after

    def _nics_diff(self, current):
        cur = [{"portgroup": n["portgroup"], "mac": n["mac"]} for n in current["nics"]]
        shaped = self._bandwidth_wanted()
        if shaped:
            vsps = {v["vmVifMAC"]: v for v in self._vsps(current["name"])}
            for entry in cur:
                entry["bandwidth"] = bandwidth_view(vsps.get(entry["mac"]))
        after = []
        for i, w in enumerate(self.params["nics"]):
            entry = dict(cur[i]) if i < len(cur) else {}
            if not (i < len(cur) and self._pg_matches(current["nics"][i], w["portgroup"])):
                entry["portgroup"] = w["portgroup"]
            if w.get("mac"):
                entry["mac"] = w["mac"].lower()
            if i in shaped:
                want = {k: shaped[i][f] for k, f in BANDWIDTH_KEYS if f in shaped[i]}
                entry["bandwidth"] = dict(entry.get("bandwidth") or {}, **want)
            after.append(entry)
        if not self.params["nics_remove_unmanaged"]:
            after += cur[len(after):]
        return cur, after

    def _plan_disks(self, obj, current):
        p = self.params
        steps = []
        cur = current["disks"]
        want = p["disks"]
        uri = obj["uri"]
        used = [c["slot"] or 0 for c in cur]
        for i, w in enumerate(want):
            if i < len(cur):
                c = cur[i]
                if w["size_gb"] < c["size_gb"]:
                    raise FcError("disks[%d].size_gb %d is smaller than the disk's %d GB; disks never shrink." % (
                        i, w["size_gb"], c["size_gb"]))
                if w.get("datastore") and w["datastore"] not in (c["datastore"], c["datastore_urn"]):
                    self.fc.warn("disks[%d] is on datastore %s, not %s; the module does not move disks (use "
                                 "fc_vm_migrate)." % (i, c["datastore"], w["datastore"]))
                if w["size_gb"] > c["size_gb"]:
                    vol, size = c["volume_urn"], w["size_gb"] * 1024
                    what = "grow disk %d of %s from %d to %d GB" % (i, obj["name"], c["size_gb"], w["size_gb"])
                    steps.append(Step(what,
                                      lambda vol=vol, size=size: self.fc.call("POST", uri + "/action/expandvol",
                                                                              body={"volUrn": vol, "size": size})))
            else:
                ds_ref = w.get("datastore") or (cur[0]["datastore_urn"] if cur else None)
                if not ds_ref:
                    raise FcError("disks[%d].datastore is required (the VM has no disk to take it from)." % i)
                ds = fc_lookup.datastore(self.fc, ds_ref)
                bus = w.get("bus") or "virtio"
                used.append(next_slot(used, bus, "disks[%d]" % i))
                body = {"name": "%s-disk%d" % (obj["name"], i + 1), "quantityGB": w["size_gb"],
                        "datastoreUrn": ds["urn"], "isThin": w.get("thin") is not False, "type": "normal",
                        "pciType": BUSES[bus], "sequenceNum": used[-1]}
                what = "add a %d GB %s disk to %s on %s in slot %d" % (
                    w["size_gb"], bus, obj["name"], ds["name"], used[-1])
                steps.append(Step(what, lambda body=body: self.fc.call("POST", uri + "/action/createattachvol",
                                                                       body=body)))
        if p["disks_remove_unmanaged"]:
            for c in cur[len(want):]:
                vol = c["volume_urn"]

                def remove(vol=vol):
                    self.fc.call("POST", uri + "/action/detachvol", body={"volUrn": vol})
                    self.fc.call("DELETE", urn_to_uri(vol))
                steps.append(Step("remove disk %s (%d GB) from %s and delete it" % (vol, c["size_gb"], obj["name"]),
                                  remove))
        return steps

    def _plan_nics(self, obj, current):
        p = self.params
        steps = []
        cur = current["nics"]
        uri = obj["uri"]
        for i, w in enumerate(p["nics"]):
            pg = fc_lookup.portgroup(self.fc, w["portgroup"])
            if i < len(cur):
                c = cur[i]
                body = {}
                if c["portgroup_urn"] != pg["urn"]:
                    body["portGroupUrn"] = pg["urn"]
                if w.get("mac") and w["mac"].lower() != c["mac"]:
                    if obj.get("status") != "stopped":
                        raise FcError("nics[%d].mac can only change while the VM is powered off." % i)
                    body["mac"] = w["mac"].lower()
                if body:
                    nic_uri = urn_to_uri(c["urn"])
                    steps.append(Step("change NIC %d of %s: %s" % (i, obj["name"], ", ".join(sorted(body))),
                                      lambda nic_uri=nic_uri, body=body: self.fc.call("PUT", nic_uri, body=body)))
                steps += self._nic_security_steps(i, w, c, obj)
            else:
                body = {"portGroupUrn": pg["urn"], "sequenceNum": i}
                if w.get("mac"):
                    body["mac"] = w["mac"].lower()
                body.update(self._nic_group_body(i, w))
                bind = w.get("ip_mac_binding")
                steps.append(Step("add a NIC on %s to %s%s" % (pg["name"], obj["name"],
                                                               " bound to %s" % bind if bind else ""),
                                  lambda body=body, bind=bind: self._add_nic(uri, body, bind)))
        if p["nics_remove_unmanaged"]:
            for c in cur[len(p["nics"]):]:
                nic_id = c["urn"].rsplit(":", 1)[1]
                steps.append(Step("remove NIC %s (%s) from %s" % (c["slot"], c["portgroup"], obj["name"]),
                                  lambda nic_id=nic_id: self.fc.call("DELETE", uri + "/virtualNics/" + nic_id)))
        if self._bandwidth_changes(current):
            steps.append(Step("set NIC bandwidth limits of %s" % obj["name"],
                              lambda: self._apply_bandwidth(uri)))
        return steps

    # -- a NIC's security group and IP-MAC binding -------------------------------------------------
    def _sg_ids(self):
        if getattr(self, "_sg_by_name", None) is None:
            groups = fc_secgroup.groups(self.client, self.fc.site_uri)
            self._sg_by_name = {g.get("sgName"): g.get("sgId") for g in groups}
        return self._sg_by_name

    def _nic_group_body(self, i, nic):
        """``enableSecurityGroup``/``securityGroupId`` for nics[i] ({} when its group is not managed)."""
        want = nic.get("security_group")
        if want is None:
            return {}
        if want == "":
            return {"enableSecurityGroup": False}
        if want not in self._sg_ids():
            raise FcError("nics[%d].security_group %r: no security group has that name (create it with "
                          "fusioncompute.core.fc_security_group)." % (i, want))
        return {"enableSecurityGroup": True, "securityGroupId": self._sg_ids()[want]}

    def _bindings(self, vm_name):
        """MAC -> the address bound to it ('' when none), from the VM's switch ports."""
        return {v["vmVifMAC"]: v.get("netAddr") or "" for v in self._vsps(vm_name)}

    def _nic_security_steps(self, i, want, cur, obj):
        steps = []
        nic_uri = urn_to_uri(cur["urn"])
        group = want.get("security_group")
        if group is not None and (group or None) != cur["security_group"]:
            body = self._nic_group_body(i, want)
            what = "put NIC %d of %s in security group %s" % (i, obj["name"], group) if group else \
                "take NIC %d of %s out of security group %s" % (i, obj["name"], cur["security_group"])
            steps.append(Step(what, lambda: self.fc.call("PUT", nic_uri + "/securitygroup", body=body)))
        bind = want.get("ip_mac_binding")
        have = self._bindings(obj["name"]).get(cur["mac"], "") if bind is not None else None
        if bind is not None and have != bind:
            if have:
                steps.append(Step("unbind %s from NIC %d of %s" % (have, i, obj["name"]),
                                  lambda: self.fc.call("POST", nic_uri + "/unbindipmac")))
            if bind:
                steps.append(Step("bind %s to NIC %d (%s) of %s" % (bind, i, cur["mac"], obj["name"]),
                                  lambda: self.fc.call("POST", nic_uri + "/bindipmac", body={"netAddr": bind})))
        return steps

    def _nic_security_changes(self, current):
        obj = {"name": current["name"]}
        return any(self._nic_security_steps(i, w, current["nics"][i], obj)
                   for i, w in enumerate(self.params["nics"] or []) if i < len(current["nics"]))

    def _add_nic(self, vm_uri, body, bind):
        answer = self.fc.call("POST", vm_uri + "/virtualNics", body=body)
        if bind:
            self.fc.call("POST", answer["uri"] + "/bindipmac", body={"netAddr": bind})

    def _apply_bindings(self, uri):
        """Bind the addresses of ``nics[].ip_mac_binding`` to the NICs of the new VM at ``uri`` (read only when
        there are any)."""
        wanted = [(i, w) for i, w in enumerate(self.params["nics"] or []) if w.get("ip_mac_binding")]
        if not wanted:
            return
        nics = vm_view(self.client.get(uri))["nics"]
        for i, w in wanted:
            if i < len(nics):
                self.fc.call("POST", urn_to_uri(nics[i]["urn"]) + "/bindipmac", body={"netAddr": w["ip_mac_binding"]})

    def _task_reason(self, answer):
        """': <reason>' of the task an answer started, when VRM put one there; '' otherwise."""
        if not answer.get("taskUri"):
            return ""
        task = self.client.get(answer["taskUri"])
        code, text = task.get("reason"), task.get("reasonDes")
        return ": %s (VRM error %s)" % (text, code) if code else ""

    # -- per-NIC bandwidth (virtual switch ports) ---------------------------------------------------
    def _vsps(self, vm_name):
        return self.client.list_all(self.fc.site_uri + "/vsps", "vsps", {"vmName": vm_name})

    def _bandwidth_wanted(self):
        out = {}
        for i, n in enumerate(self.params["nics"] or []):
            bw = n.get("bandwidth")
            if bw:
                out[i] = {f: bw[k] for k, f in BANDWIDTH_KEYS if bw.get(k) is not None}
        return out

    def _bandwidth_changes(self, current):
        wanted = self._bandwidth_wanted()
        if not wanted:
            return False
        vsps = {v["vmVifMAC"]: v for v in self._vsps(current["name"])}
        for i, w in wanted.items():
            if i >= len(current["nics"]):
                return True
            vsp = vsps.get(current["nics"][i]["mac"])
            if vsp is None or any(vsp.get(k) != v for k, v in w.items()):
                return True
        return False

    def _apply_bandwidth(self, uri):
        """Set the per-NIC bandwidth options on the VM at ``uri`` (read only when there are any)."""
        wanted = self._bandwidth_wanted()
        if not wanted:
            return
        vm = self.client.get(uri)
        view = vm_view(vm)
        vsps = {v["vmVifMAC"]: v for v in self._vsps(vm["name"])}
        for i, w in wanted.items():
            if i < len(view["nics"]):
                vsp = vsps.get(view["nics"][i]["mac"])
                if vsp is not None and any(vsp.get(k) != v for k, v in w.items()):
                    self.fc.call("PUT", vsp["uri"], body=w)

    # -- power ------------------------------------------------------------------------------------
    def _power(self, uri, op, force=False):
        body = {"mode": "force" if force else "safe"} if op in ("stop", "reboot") else None
        self.fc.call("POST", uri + "/action/" + op, body=body)

    def _power_to(self, uri, target):
        vm = self.client.get(uri)
        status = vm.get("status")
        tools = vm.get("pvDriverStatus") == "running"
        if target == "powered-on":
            if status == "pause":
                self._power(uri, "resume")
            elif status != "running":
                self._power(uri, "start")
        elif target == "powered-off":
            if status in ("running", "pause"):
                self._power(uri, "stop", force=not tools or status == "pause")
            elif status == "hibernated":
                self._power(uri, "start")
                self._power(uri, "stop", force=True)
        elif target == "suspended":
            if status == "stopped":
                self._power(uri, "start")
            if status != "hibernated":
                self._power(uri, "hibernate")

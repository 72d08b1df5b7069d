# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's plans for an existing VM's disks, NICs and NIC bandwidth, and its power transitions."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import BUSES, vm_view


class VmDevices:
    """Mixed into fc_vm's resource class: needs ``self.fc``, ``self.client`` and ``self.params``."""

    def _plan_disks(self, obj, current):
        p = self.params
        steps = []
        cur = current["disks"]
        want = p["disks"]
        uri = obj["uri"]
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
                body = {"name": "%s-disk%d" % (obj["name"], i + 1), "quantityGB": w["size_gb"],
                        "datastoreUrn": ds["urn"], "isThin": w.get("thin") is not False, "type": "normal",
                        "pciType": BUSES[w.get("bus") or "virtio"]}
                steps.append(Step("add a %d GB disk to %s on %s" % (w["size_gb"], obj["name"], ds["name"]),
                                  lambda body=body: self.fc.call("POST", uri + "/action/createattachvol", body=body)))
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
            else:
                body = {"portGroupUrn": pg["urn"], "sequenceNum": i}
                if w.get("mac"):
                    body["mac"] = w["mac"].lower()
                steps.append(Step("add a NIC on %s to %s" % (pg["name"], obj["name"]),
                                  lambda body=body: self.fc.call("POST", uri + "/virtualNics", body=body)))
        if p["nics_remove_unmanaged"]:
            for c in cur[len(p["nics"]):]:
                nic_id = c["urn"].rsplit(":", 1)[1]
                steps.append(Step("remove NIC %s (%s) from %s" % (c["slot"], c["portgroup"], obj["name"]),
                                  lambda nic_id=nic_id: self.fc.call("DELETE", uri + "/virtualNics/" + nic_id)))
        if self._bandwidth_changes(current):
            steps.append(Step("set NIC bandwidth limits of %s" % obj["name"],
                              lambda: self._apply_bandwidth(uri)))
        return steps

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
                out[i] = {k: v for k, v in (("txLimit", bw.get("tx_average")), ("txPeakLimit", bw.get("tx_peak")),
                                            ("txBurstSize", bw.get("tx_burst")), ("priority", bw.get("priority")))
                          if v is not None}
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

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_host's host settings: NTP servers and cycle, huge pages and memory swap partitions (FC8DOC ch3).

``ARGSPEC`` is merged into fc_host's argument spec; ``HostSettings`` is a mixin of its Resource. NTP servers are
host fields (``PUT <host>``) that ``action/configNTP`` makes the host apply; huge pages are set with
``action/configHostHugePage``; swap partitions are added, listed and deleted with their own actions.
"""

from __future__ import annotations

import re

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step

HUGE_PAGE_MB = {"4K": 4.0 / 1024, "2M": 2, "1G": 1024}
SWAP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
NTP_FIELDS = ("ntpIp1", "ntpIp2", "ntpIp3")

ARGSPEC = dict(
    ntp_servers=dict(type="list", elements="str"),
    ntp_cycle=dict(type="int"),
    huge_pages=dict(type="dict", options=dict(size=dict(type="str", required=True, choices=list(HUGE_PAGE_MB)),
                                              count=dict(type="int", required=True))),
    swap_partitions=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True), size_gb=dict(type="int"), datastore=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]))),
)
KEYS = ("ntp_servers", "ntp_cycle", "huge_pages", "swap_partitions")


def _refuse(code, message):
    return FcApiError("%s Nothing was changed." % message, code=code)


class HostSettings(object):
    """Mixin of fc_host's Resource for the host settings."""

    def settings_validate(self):
        p = self.params
        if p["ntp_servers"] is not None and len(p["ntp_servers"]) > 3:
            raise FcError("ntp_servers takes at most 3 servers (VRM's ntpIp1..ntpIp3).")
        if any(not s.strip() or len(s) > 128 for s in p["ntp_servers"] or []):
            raise _refuse("10200199", "Each NTP server is an address or name of 1 to 128 characters.")
        if p["ntp_cycle"] is not None and not 16 <= p["ntp_cycle"] <= 4096:
            raise FcError("ntp_cycle must be 16 to 4096 seconds.")
        if p["huge_pages"] is not None and p["huge_pages"]["count"] < 0:
            raise _refuse("11400000", "huge_pages.count must be 0 or more.")
        names = [s["name"] for s in p["swap_partitions"] or []]
        if len(set(names)) != len(names):
            raise FcError("swap_partitions lists a name twice.")
        for s in p["swap_partitions"] or []:
            if not SWAP_NAME.match(s["name"]):
                raise _refuse("10000012", "Swap partition name %r: letters, digits, '-' and '_', 1 to 255." % s["name"])
            if re.match(r"^dm-\d+$", s["name"]):
                raise _refuse("10321107", "Swap partition name %s looks like a host device (dm-<number>)." % s["name"])
            if s["state"] == "present" and (s["size_gb"] is None or s["datastore"] is None):
                raise FcError("Swap partition %s: give size_gb and datastore." % s["name"])
            if s["size_gb"] is not None and s["size_gb"] < 1:
                raise _refuse("10410003", "Swap partition %s: size_gb must be at least 1." % s["name"])

    def _managed(self):
        return [k for k in KEYS if self.params[k] is not None]

    def settings_view(self, obj):
        """The settings the options manage, read from the host (its detail and its swap partitions)."""
        keys = self._managed()
        if not keys or obj is None:
            return {}
        detail = self.client.get(obj["uri"]) or {}
        out = {}
        if "ntp_servers" in keys:
            out["ntp_servers"] = [detail.get(f) for f in NTP_FIELDS if detail.get(f)]
        if "ntp_cycle" in keys:
            out["ntp_cycle"] = detail.get("ntpCycle")
        if "huge_pages" in keys:
            out["huge_pages"] = {"size": detail.get("hugePagesz") or "4K", "count": detail.get("hugePages") or 0}
        if "swap_partitions" in keys:
            swaps = (self.client.get(obj["uri"] + "/queryswappartition") or {}).get("swappartitions", [])
            out["swap_partitions"] = dict((s["name"], {"size_gb": s.get("totalSizeGB"),
                                                       "datastore_urn": s.get("datastoreUrn")}) for s in swaps)
        self._detail = detail
        return out

    def settings_desired(self):
        p = self.params
        d = {}
        if p["ntp_servers"] is not None:
            d["ntp_servers"] = [s.strip() for s in p["ntp_servers"]]
        if p["ntp_cycle"] is not None:
            d["ntp_cycle"] = p["ntp_cycle"]
        if p["huge_pages"] is not None:
            d["huge_pages"] = dict(p["huge_pages"])
        if p["swap_partitions"] is not None:
            self._datastores = {}
            for s in p["swap_partitions"]:
                if s["state"] == "present":
                    self._datastores[s["name"]] = fc_lookup.datastore(self.fc, s["datastore"])
        return d

    def settings_compare(self, current, desired):
        out = {}
        for k in ("ntp_servers", "ntp_cycle", "huge_pages"):
            if k in desired and desired[k] != current.get(k):
                out[k] = desired[k]
        if self.params["swap_partitions"] is not None:
            have = current.get("swap_partitions", {})
            swaps = []
            for s in self.params["swap_partitions"]:
                cur = have.get(s["name"])
                if s["state"] == "absent":
                    if cur is not None:
                        swaps.append({"name": s["name"], "state": "absent"})
                    continue
                ds = self._datastores[s["name"]]
                if cur is None:
                    swaps.append({"name": s["name"], "size_gb": s["size_gb"], "datastore": ds["name"]})
                elif cur["size_gb"] != s["size_gb"] or cur["datastore_urn"] != ds["urn"]:
                    raise FcError("Swap partition %s has %s GB on %s; VRM does not resize or move a swap partition: "
                                  "remove it (state: absent) and add it again." % (
                                      s["name"], cur["size_gb"], cur["datastore_urn"]))
            if swaps:
                out["swap_partitions"] = swaps
        return out

    def settings_steps(self, obj, changes):
        """The steps of the changed settings; ``obj`` is the host, or a function that finds it (a new host)."""
        host = obj if callable(obj) else (lambda: obj)
        steps = []
        if "ntp_servers" in changes or "ntp_cycle" in changes:
            body = {}
            if "ntp_servers" in changes:
                servers = changes["ntp_servers"] + [""] * (3 - len(changes["ntp_servers"]))
                body.update(zip(NTP_FIELDS, servers))
            if "ntp_cycle" in changes:
                body["ntpCycle"] = changes["ntp_cycle"]

            def ntp():
                self.fc.call("PUT", host()["uri"], body=body)
                if body.get("ntpIp1") or "ntp_servers" not in changes:
                    self.fc.call("POST", host()["uri"] + "/action/configNTP")
            steps.append(Step("set NTP %s and apply it on the host" % ", ".join(
                ("servers " + (", ".join(changes["ntp_servers"]) or "none")) if k == "ntp_servers" else
                "cycle %d s" % changes["ntp_cycle"] for k in ("ntp_servers", "ntp_cycle") if k in changes), ntp))
        if "huge_pages" in changes:
            self._check_huge_pages(obj if not callable(obj) else None, changes["huge_pages"])
            hp = changes["huge_pages"]
            steps.append(Step("set %d huge pages of %s" % (hp["count"], hp["size"]), lambda: self.fc.call(
                "POST", host()["uri"] + "/action/configHostHugePage",
                body={"hugePagesz": hp["size"], "hugePages": hp["count"]})))
        for s in changes.get("swap_partitions", []):
            steps.append(self._swap_step(host, obj if not callable(obj) else None, s))
        return steps

    def _check_huge_pages(self, obj, hp):
        detail = getattr(self, "_detail", None) or {}
        memory = detail.get("memQuantityMB")
        if memory and hp["count"] * HUGE_PAGE_MB[hp["size"]] > memory:
            raise _refuse("10300943", "%d huge pages of %s exceed the host's %d MB of memory." % (
                hp["count"], hp["size"], memory))
        if obj is not None and detail.get("vmCount"):
            raise _refuse("12000039", "Host %s has %d VMs; set huge pages on a host without VMs (migrate them away, "
                                      "for example with maintenance: true)." % (obj["name"], detail["vmCount"]))

    def _swap_step(self, host, obj, s):
        if s.get("state") == "absent":
            return Step("delete swap partition %s" % s["name"], lambda: self.fc.call(
                "DELETE", host()["uri"] + "/action/deleteswappartition", params={"name": s["name"]}))
        ds = self._datastores[s["name"]]
        if obj is not None and "hosts" in ds and obj["urn"] not in (ds["hosts"] or []):
            raise _refuse("10410024", "Host %s is not associated with datastore %s." % (obj["name"], ds["name"]))
        if ds.get("freeSizeGB") is not None and s["size_gb"] > ds["freeSizeGB"]:
            raise _refuse("10410003", "Datastore %s has %d GB free; swap partition %s wants %d GB." % (
                ds["name"], ds["freeSizeGB"], s["name"], s["size_gb"]))
        return Step("add swap partition %s of %d GB on %s" % (s["name"], s["size_gb"], ds["name"]), lambda: self.fc.call(
            "POST", host()["uri"] + "/action/addswappartition",
            body={"name": s["name"], "quantityGB": s["size_gb"], "datastoreUrn": ds["urn"]}))

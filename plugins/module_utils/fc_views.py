# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""User-facing, normalised views of VRM objects: what modules compare, diff and return."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import vlan_ranges, vlan_text

LIMEN = {1: 1, 2: 3, 3: 5, 4: 7, 5: 9}
LIMEN_BACK = {v: k for k, v in LIMEN.items()}
DRS_LEVEL = {"manual": 1, "automatic": 3}
FACTOR = {"cpu": 1, "memory": 2, "cpu_and_memory": 3}
POWER_LEVEL = {"manual": 1, "automatic": 2}
POLICY = {"reserve_resources": 0, "tolerate_host_failures": 1, "failover_hosts": 2}
HOST_POLICY = {"restart_on_original_host": 1, "ha": 2}
DVS_TYPES = {"vswitch": 0, "sriov": 2, "user_mode": 4}
DVS_QOS = {"shares": 0, "reservation": 1}


def _hour0(items):
    for it in items or []:
        if it.get("fragmentTime") == 0:
            return it.get("limen")
    return None


def _inv(table, value):
    for k, v in table.items():
        if v == value:
            return k
    return None


def cluster_view(c):
    drs = c.get("drsSetting") or {}
    ha = c.get("haSetting") or c.get("haResSetting") or {}
    acs = ha.get("accessControlSetting") or {}
    power = drs.get("powerLevel", 0)
    return {
        "name": c.get("name"), "urn": c.get("urn"), "description": c.get("description", ""),
        "memory_overcommit": bool(c.get("isMemOvercommit")),
        "drs": {"enabled": bool(c.get("isEnableDrs")), "level": _inv(DRS_LEVEL, drs.get("drsLevel")),
                "threshold": LIMEN_BACK.get(_hour0(drs.get("drsFragmentLimen"))),
                "factor": _inv(FACTOR, drs.get("factor"))},
        "dpm": {"enabled": power != 0, "level": _inv(POWER_LEVEL, power),
                "threshold": LIMEN_BACK.get(_hour0(drs.get("powerFragmentLimen")))},
        "ha": {"enabled": bool(c.get("isEnableHa")),
               "host_failure_policy": _inv(HOST_POLICY, (ha.get("hostRelatedFaultResponse") or {}).get(
                   "hostFaultResponse")),
               "admission_control": {"enabled": bool(ha.get("isAccessControl")),
                                     "policy": _inv(POLICY, acs.get("accessControlPolicy")),
                                     "cpu_reservation_percent": acs.get("cpuReservation"),
                                     "memory_reservation_percent": acs.get("memoryReservation"),
                                     "host_failures": acs.get("hostsFaultQuantity")}},
        "cpu_total_mhz": (c.get("cpuResource") or {}).get("totalSizeMHz"),
        "memory_total_mb": (c.get("memResource") or {}).get("totalSizeMB"),
    }


def host_view(h):
    cpu = h.get("cpuResource") or {}
    mem = h.get("memResource") or {}
    return {"name": h.get("name"), "urn": h.get("urn"), "ip": h.get("ip"), "cluster": h.get("clusterName") or None,
            "cluster_urn": h.get("clusterUrn") or None, "description": h.get("description", ""),
            "status": h.get("status"), "maintenance": bool(h.get("isMaintaining")),
            "power_state": "powered-off" if h.get("status") == "poweroff" else "powered-on",
            "bmc_ip": h.get("bmcIp") or None, "bmc_username": h.get("bmcUserName") or None,
            "cpu_cores": h.get("cpuQuantity"), "cpu_mhz": h.get("cpuMHz"), "memory_mb": h.get("memQuantityMB"),
            "cpu_total_mhz": cpu.get("totalSizeMHz"), "cpu_allocated_mhz": cpu.get("allocatedSizeMHz"),
            "memory_total_mb": mem.get("totalSizeMB"), "memory_allocated_mb": mem.get("allocatedSizeMB"),
            "vm_count": h.get("vmCount")}


def ds_view(d, host_names=None):
    cap = d.get("actualCapacityGB", d.get("capacityGB"))
    free = d.get("actualFreeSizeGB", d.get("freeSizeGB"))
    # hosts[] holds host URNs (FC8DOC, vrmsim); some FC8DOC samples show bare ids: both are read
    ids = [str(h).rsplit(":", 1)[-1] for h in d.get("hosts") or []]
    return {"name": d.get("name"), "urn": d.get("urn"), "description": d.get("description", ""),
            "type": d.get("storageType"), "status": d.get("status"),
            "hosts": sorted(host_names.get(i, i) for i in ids) if host_names is not None else ids,
            "capacity_gb": cap, "free_gb": free, "used_gb": (cap - free) if cap is not None and free is not None
            else None, "provisioned_gb": d.get("usedSizeGB"), "storage_unit": d.get("suName"),
            "storage_units": [u.get("suName") for u in d.get("storageUnits") or []] or
            ([d["suName"]] if d.get("suName") else [])}


def dvs_view(d):
    return {"name": d.get("name"), "urn": d.get("urn"), "description": d.get("description", ""),
            "type": _inv(DVS_TYPES, d.get("type")), "mtu": d.get("mtu"), "igmp_snooping": bool(d.get("isIgmpSnooping")),
            "io_control": _inv(DVS_QOS, d.get("qosType")),
            "uplinks": sorted(({"host": u.get("hostName"), "port": u.get("portName"), "host_urn": u.get("hostUrn"),
                                "port_urn": u.get("portUrn")} for u in d.get("hostPortSet") or []),
                              key=lambda u: (u["host"] or "", u["port"] or "")),
            "vlan_pools": [{"start": v.get("startVlanId"), "end": v.get("endVlanId")} for v in d.get("vlanPoolSet") or []],
            "portgroup_count": d.get("portGroupNum")}


def pg_view(pg, dvs_name=None):
    def direction(d):
        avg = pg.get(d + "Limit") or 0
        if not avg:
            return {"average": 0, "peak": 0, "burst": 0}
        return {"average": avg, "peak": pg.get(d + "PeakLimit") or avg, "burst": pg.get(d + "BurstSize") or avg}
    trunk = pg.get("portType") == 1
    return {"name": pg.get("name"), "urn": pg.get("urn"), "dvs": dvs_name, "description": pg.get("description", ""),
            "port_type": "trunk" if trunk else "access", "vlan_id": None if trunk else pg.get("vlanId"),
            "vlan_range": vlan_text(vlan_ranges(pg["vlanRange"])) if trunk and pg.get("vlanRange") else None,
            "tx": direction("tx"), "rx": direction("rx"), "priority": pg.get("priority") or None,
            "ip_mac_binding": bool(pg.get("isIpMacBind")), "dhcp_isolation": bool(pg.get("isDhcpIsolation")),
            "nic_count": pg.get("vspNum")}


def flatten(tree):
    out = []

    def walk(nodes, parent):
        for n in nodes or []:
            item = {k: v for k, v in n.items() if k != "childSnapshots"}
            item["parent_urn"] = parent
            out.append(item)
            walk(n.get("childSnapshots"), n.get("urn"))
    walk(tree.get("rootSnapshots"), None)
    return out

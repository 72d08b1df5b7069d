"""Host settings VRM manages: huge pages, memory swap partitions, and applying the NTP settings (FC8DOC ch3).

NTP servers and the sync cycle are fields of the host (``PUT <host>``, hosts.py); ``action/configNTP`` makes the
host apply them (or the site's, when the host has none) together with the site's time zone.
"""

import re

from vrmsim import placement
from vrmsim.common import as_int, as_str, site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route

HUGE_PAGE_KB = {"4K": 4, "2M": 2048, "1G": 1024 * 1024}
SWAP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
MAX_SWAP = 8            # FC8DOC 10321037 names a limit without its value: vrmsim's choice
MIN_NORMAL_MB = 8192    # memory a host keeps in normal pages for itself (vrmsim's choice)


def _host(engine, req):
    site_check(engine, req)
    urn = "%s:hosts:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "hosts")
    if rec is None:
        raise VrmError("10300027", "The host %s does not exist." % urn)
    return rec


def _busy(rec):
    if rec.sim.get("configuring"):
        raise VrmError("12000037", "The host is running another configuration; retry when it has finished.")


@handler("host_config_done")
def _config_done(engine, task, fields=None, sim=None):
    rec = engine.find(task.data["entityUrn"], "hosts")
    if rec is None:
        return
    rec.sim.pop("configuring", None)
    rec.data.update(fields or {})
    rec.sim.update(sim or {})
    engine.touch(rec)


@handler("host_config_failed")
def _config_failed(engine, task):
    rec = engine.find(task.data["entityUrn"], "hosts")
    if rec is not None:
        rec.sim.pop("configuring", None)
        engine.touch(rec)


def _start(engine, req, rec, task_type, fields=None, sim=None):
    rec.sim["configuring"] = task_type
    engine.touch(rec)
    task = engine.start_task(task_type, rec.urn, rec.data["name"],
                             done=("host_config_done", {"fields": fields or {}, "sim": sim or {}}),
                             fail=("host_config_failed", {}), user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/hosts/{id}/action/configHostHugePage")
def config_huge_pages(engine, req):
    """Set a host's huge page size and count (task ConfigHostHugePage); refused while VMs are on the host."""
    rec = _host(engine, req)
    body = req.json()
    size = body.get("hugePagesz")
    size = size.strip() if isinstance(size, str) else size
    if not isinstance(size, str) or size not in HUGE_PAGE_KB:
        raise VrmError("11400000", "hugePagesz must be 4K, 2M or 1G.")
    count = as_int(body.get("hugePages"), "hugePages", 0, code="11400000")
    _busy(rec)
    if size == rec.data.get("hugePagesz", "4K") and count == rec.data.get("hugePages", 0):
        raise VrmError("12000038", "The host already has %d huge pages of %s." % (count, size))
    if size != "4K" and count * HUGE_PAGE_KB[size] // 1024 > rec.data["memQuantityMB"] - MIN_NORMAL_MB:
        raise VrmError("10300943", "%d pages of %s exceed the host's memory (%d MB, of which %d MB stay normal)."
                       % (count, size, rec.data["memQuantityMB"], MIN_NORMAL_MB))
    if placement.host_vm_count(engine, rec.urn):
        raise VrmError("12000039", "The host has VMs; huge pages are set on an empty host.")
    huge_mb = 0 if size == "4K" else count * HUGE_PAGE_KB[size] // 1024
    return _start(engine, req, rec, "ConfigHostHugePage", fields={
        "hugePagesz": size, "hugePages": count, "normalMemory": rec.data["memQuantityMB"] - huge_mb,
        "hugePageEffect": True})


@route("POST", "/service/sites/{site}/hosts/{id}/action/configNTP")
def config_ntp(engine, req):
    """Make the host apply its NTP servers (or the site's) and the site's time zone (task ConfigHostNTPTask)."""
    rec = _host(engine, req)
    if rec.data.get("status") != "normal":
        raise VrmError("10200124", "The host is %s; it applies NTP settings when it is normal." %
                       rec.data.get("status"))
    _busy(rec)
    site = engine.get(engine.site_urn, "sites").data
    servers = [rec.data.get(f) for f in ("ntpIp1", "ntpIp2", "ntpIp3") if rec.data.get(f)] or \
        [site.get(f) for f in ("ntpIp", "ntpIp2", "ntpIp3") if site.get(f)]
    if not servers:
        raise VrmError("10200199", "Neither the host nor the site has an NTP server; set one first.")
    return _start(engine, req, rec, "ConfigHostNTPTask", sim={"ntp_applied": {
        "servers": servers, "cycle": rec.data.get("ntpCycle") or site.get("ntpCycle"),
        "timeZone": site.get("timeZone")}})


# -- swap partitions --------------------------------------------------------------------------------

def _swaps(rec):
    return rec.sim.setdefault("swap", [])


def _swap_name(value):
    name = as_str(value, "name", 1, 255, required=True, code="10000012")
    if not SWAP_NAME.match(name):
        raise VrmError("10000012", "A swap partition name has letters, digits, '-' and '_' only.")
    if re.match(r"^dm-\d+$", name):
        raise VrmError("10321107", "A swap partition may not be called dm-<number> (a device name of the host).")
    return name


@route("POST", "/service/sites/{site}/hosts/{id}/action/addswappartition")
def add_swap(engine, req):
    """Add a memory swap partition on a datastore of the host (task AddSwapPartition)."""
    rec = _host(engine, req)
    body = req.json()
    name = _swap_name(body.get("name"))
    size = as_int(body.get("quantityGB"), "quantityGB", 1, code="10410003")
    ds_urn = body.get("datastoreUrn")
    ds = engine.find(ds_urn, "datastores") if isinstance(ds_urn, str) and ds_urn else None
    if ds is None:
        raise VrmError("10410006", "The datastore %s does not exist." % body.get("datastoreUrn"))
    if ds.data.get("status") != "NORMAL":
        raise VrmError("10410052", "The datastore %s is %s." % (ds.data["name"], ds.data.get("status")))
    if rec.urn not in ds.sim.get("hosts", []):
        raise VrmError("10410024", "The host is not associated with the datastore %s." % ds.data["name"])
    swaps = _swaps(rec)
    if any(s["name"] == name for s in swaps):
        raise VrmError("10321038", "The host already has a swap partition named %s." % name)
    if len(swaps) >= MAX_SWAP:
        raise VrmError("10321037", "The host has %d swap partitions, the most it can have." % MAX_SWAP)
    taken = sum(s["totalSizeGB"] for h in engine.all("hosts") for s in h.sim.get("swap", [])
                if s["datastoreUrn"] == ds.urn)
    free = engine.render(ds)["freeSizeGB"] - taken
    if size > free:
        raise VrmError("10410003", "The datastore %s has %d GB free for swap; %d GB were asked." % (
            ds.data["name"], free, size))
    _busy(rec)
    entry = {"name": name, "totalSizeGB": size, "allocatedSizeGB": 0, "datastoreUrn": ds.urn}
    return _start(engine, req, rec, "AddSwapPartition", sim={"swap": swaps + [entry]})


@route("DELETE", "/service/sites/{site}/hosts/{id}/action/deleteswappartition")
def delete_swap(engine, req):
    """Delete a swap partition (?name=; task DeleteSwapPartition)."""
    rec = _host(engine, req)
    name = _swap_name(req.q("name"))
    swaps = _swaps(rec)
    if not any(s["name"] == name for s in swaps):
        raise VrmError("10000012", "The host has no swap partition named %s." % name)
    if rec.sim.get("configuring") == "DeleteSwapPartition":
        raise VrmError("10321066", "The swap partition is being deleted.")
    _busy(rec)
    return _start(engine, req, rec, "DeleteSwapPartition", sim={"swap": [s for s in swaps if s["name"] != name]})


@route("GET", "/service/sites/{site}/hosts/{id}/queryswappartition")
def query_swap(engine, req):
    """The host's swap partitions ({swappartitions})."""
    rec = _host(engine, req)
    return {"swappartitions": [dict(s) for s in _swaps(rec)]}

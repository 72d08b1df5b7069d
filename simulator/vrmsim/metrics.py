"""Performance metrics: real-time values and history curves (FC8DOC ch6 「监控」), on the virtual clock.

A metric's value is a function of the object's state now (a host's allocated CPU and memory, a VM's power
state, a datastore's used space) and of the time: a daily and an hourly wave around that level, plus a little
noise fixed by (object, metric, minute), so that the same query answers the same curve. History is computed,
not stored: a curve of the past uses today's state (docs/vrmsim-fidelity.md).
"""

import hashlib
import math

from vrmsim import placement
from vrmsim.engine import fmt_time
from vrmsim.errors import VrmError
from vrmsim.routes import route

INTERVALS = (60, 300, 1800, 3600, 86400, 604800, 2592000, 31536000)
MAX_URNS = 100               # FC8DOC: at most 100 objects per history query (11000096)
MAX_POINTS = 1440            # points per curve; a longer range answers its latest MAX_POINTS points
# metric id -> (unit, name, kind of value), per object kind; ``datastores`` is vrmsim's own choice
PERCENT, RATE, COUNT = "%", "KB/s", ""
METRICS = {
    "hosts": {"cpu_usage": PERCENT, "mem_usage": PERCENT, "dom0_cpu_usage": PERCENT, "dom0_mem_usage": PERCENT,
              "logic_disk_usage": PERCENT, "disk_io_in": RATE, "disk_io_out": RATE, "nic_byte_in": RATE,
              "nic_byte_out": RATE, "vm_run_num": COUNT},
    "vms": {"cpu_usage": PERCENT, "mem_usage": PERCENT, "disk_usage": PERCENT, "disk_io_in": RATE,
            "disk_io_out": RATE, "nic_byte_in": RATE, "nic_byte_out": RATE, "disk_req_in": "w/s",
            "disk_req_out": "r/s"},
    "clusters": {"cpu_usage": PERCENT, "mem_usage": PERCENT, "logic_disk_usage": PERCENT, "disk_io_in": RATE,
                 "disk_io_out": RATE, "nic_byte_in": RATE, "nic_byte_out": RATE},
    "datastores": {"logic_disk_usage": PERCENT, "disk_io_in": RATE, "disk_io_out": RATE},
}
NAMES = {"cpu_usage": "CPU usage", "mem_usage": "Memory usage", "dom0_cpu_usage": "Management CPU usage",
         "dom0_mem_usage": "Management memory usage", "logic_disk_usage": "Disk usage", "disk_usage": "Disk usage",
         "disk_io_in": "Disk read rate", "disk_io_out": "Disk write rate", "nic_byte_in": "Network receive rate",
         "nic_byte_out": "Network send rate", "vm_run_num": "Running VMs", "disk_req_in": "Disk write requests",
         "disk_req_out": "Disk read requests"}


def _fail(code, des):
    return VrmError(code, des, status=500)


def _unit(*parts):
    """A number in [0, 1) fixed by the parts."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2.0 ** 32


def _kind(urn):
    parts = urn.split(":")
    return parts[-2] if len(parts) >= 4 else ""


def level(engine, rec, metric):
    """The level (before waves) of a metric of an object in its present state; None when it has no value."""
    kind = rec.kind
    d = rec.data
    if kind == "hosts":
        if d.get("status") != "normal" or rec.sim.get("power") == "off":
            return None
        used_cpu, used_mem = placement.host_usage(engine, rec.urn)
        cpu = 100.0 * used_cpu / max(1, int(d.get("cpuQuantity", 1))) * 0.4 + 3
        mem = 100.0 * used_mem / max(1, int(d.get("memQuantityMB", 1))) * 0.7 + 8
        running = placement.host_vm_count(engine, rec.urn)
        if metric == "nic_byte_out":        # what the host's network planes send, each capped by its txLimit
            from vrmsim.host_network import plane_out_kbps
            return plane_out_kbps(engine, rec.urn)
        return {"cpu_usage": cpu, "mem_usage": mem, "dom0_cpu_usage": 4.0, "dom0_mem_usage": 35.0,
                "logic_disk_usage": 20.0, "vm_run_num": running}.get(metric, 200.0 * (1 + running))
    if kind == "vms":
        if d.get("status") not in placement.ACTIVE:
            return 0.0 if metric != "disk_usage" else 30.0
        return {"cpu_usage": 15.0 + 30 * _unit(rec.urn, "cpu"), "mem_usage": 35.0 + 30 * _unit(rec.urn),
                "disk_usage": 30.0 + 40 * _unit(rec.urn, "disk")}.get(metric, 100.0 + 400 * _unit(rec.urn))
    if kind == "clusters":
        hosts = [h for h in engine.all("hosts") if h.data.get("clusterUrn") == rec.urn]
        values = [v for v in (level(engine, h, metric) for h in hosts) if v is not None]
        if not values:
            return None
        return sum(values) if metric.startswith(("disk_io", "nic_")) else sum(values) / len(values)
    if kind == "datastores":
        if metric == "logic_disk_usage":
            from vrmsim.storage import GB, datastore_usage
            cap = int(d.get("actualCapacityGB", d.get("capacityGB", 0))) * GB
            return 100.0 * datastore_usage(engine, rec.urn)[0] / cap if cap else 0.0
        return 300.0 + 500 * _unit(rec.urn, metric)
    return None


def value_at(base, urn, metric, unit, ts):
    """The value at time ``ts`` around ``base``: usage percentages and counts of the present state stay put
    (the datastore's usage, the running VMs); rates and CPU/memory move with the waves."""
    if base is None:
        return None
    steady_planes = metric == "nic_byte_out" and (":hosts:" in urn or ":clusters:" in urn)
    if metric in ("vm_run_num", "logic_disk_usage") or base == 0 or steady_planes:
        return float(base)
    phase = 2 * math.pi * _unit(urn, metric, "phase")
    wave = 0.2 * math.sin(2 * math.pi * ts / 86400.0 + phase) + 0.08 * math.sin(2 * math.pi * ts / 3600.0 + phase)
    noise = 0.06 * (_unit(urn, metric, int(ts // 60)) - 0.5)
    out = base * (1 + wave + noise)
    return max(0.0, min(100.0, out)) if unit == PERCENT else max(0.0, out)


def _text(value):
    return None if value is None else ("%d" % value if float(value).is_integer() else "%.2f" % value)


def _object(engine, urn):
    if not isinstance(urn, str) or not urn.strip():
        raise _fail("11000027", "The object URN (urn) is empty.")
    rec = engine.find(urn.strip())
    if rec is None or rec.kind not in METRICS:
        raise VrmError("10000008", "The object %s does not exist or has no metrics." % urn)
    return rec


def _array(req, most=None):
    body = req.body
    if not isinstance(body, list) or not body:
        raise _fail("11000006", "The query is empty: give a JSON array of objects.")
    if not all(isinstance(item, dict) for item in body):
        raise _fail("11000006", "Each element of the query must be an object.")
    if most is not None and len(body) > most:
        raise _fail("11000096", "At most %d objects can be queried at once." % MAX_URNS)
    return body


def _field(item, name):
    # VRM's sample writes keys and values with stray spaces (" urn "): read them as the Java binding would
    for key, value in item.items():
        if key.strip().lower() == name.lower():
            return value.strip() if isinstance(value, str) else value
    return None


@route("POST", "/service/sites/{site}/monitors/objectmetric-realtimedata")
def realtime(engine, req):
    """Current values of metrics ([{urn, metricId: [...]}])."""
    items = []
    now = engine.now()
    for item in _array(req):
        rec = _object(engine, _field(item, "urn"))
        ids = _field(item, "metricId")
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(ids, list) or not ids or not all(isinstance(m, str) and m.strip() for m in ids):
            raise _fail("11000020", "metricId must be a non-empty list of metric ids.")
        values = []
        for metric in (m.strip() for m in ids):
            unit = METRICS[rec.kind].get(metric)
            base = level(engine, rec, metric) if unit is not None else None
            values.append({"unit": unit or "", "metricId": metric,
                           "metricValue": _text(value_at(base, rec.urn, metric, unit, now))})
        items.append({"urn": rec.urn, "objectName": rec.data.get("name", ""), "value": values})
    return {"total": len(items), "result": 0, "items": items}


def _seconds(value, name):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise _fail("11000047", "%s must be a time in seconds since 1970." % name)


@route("POST", "/service/sites/{site}/monitors/objectmetric-curvedata")
def curvedata(engine, req):
    """History curves ([{urn, metricId, startTime, endTime, interval}], times in seconds)."""
    items = []
    now = engine.now()
    for item in _array(req, MAX_URNS):
        rec = _object(engine, _field(item, "urn"))
        metric = _field(item, "metricId")
        if not isinstance(metric, str) or not metric:
            raise _fail("11000020", "metricId is empty.")
        start, end = _seconds(_field(item, "startTime"), "startTime"), _seconds(_field(item, "endTime"), "endTime")
        if start > end:
            raise _fail("11000047", "startTime is after endTime.")
        interval = _seconds(_field(item, "interval"), "interval") if _field(item, "interval") else None
        if interval not in INTERVALS:
            raise _fail("11000088", "interval must be one of %s seconds." % ", ".join(map(str, INTERVALS)))
        unit = METRICS[rec.kind].get(metric)
        base = level(engine, rec, metric) if unit is not None else None
        points = []
        if base is not None:
            last = min(end, int(now)) // interval * interval
            first = max(-(-start // interval) * interval, last - (MAX_POINTS - 1) * interval)
            points = [{"time": str(ts), "value": _text(value_at(base, rec.urn, metric, unit, ts))}
                      for ts in range(first, last + 1, interval)]
        items.append({"urn": rec.urn, "metricId": metric, "objectName": rec.data.get("name", ""),
                      "unit": unit or "", "metricName": NAMES.get(metric, metric), "metricValue": points})
    return {"total": str(len(items)), "result": 0, "items": items}


@route("GET", "/service/sites/{site}/monitors/getSysCurrentTime")
def current_time(engine, req):
    """The VRM's clock (the virtual clock of vrmsim)."""
    now = engine.now()
    return {"currentUtcTime": str(int(now * 1000)), "zoneOffset": 0, "dstOffset": 0,
            "currentLocalTime": fmt_time(now)}


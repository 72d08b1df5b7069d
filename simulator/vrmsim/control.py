"""The control API under ``/_sim/`` (never on VRM paths, no VRM token needed).

Contract (also in simulator/README.md):
``GET /_sim/about``; ``POST /_sim/reset``; ``POST|GET /_sim/snapshots``,
``POST /_sim/snapshots/{name}/restore``; ``GET /_sim/objects/{urn}``, ``GET /_sim/objects?kind=``;
``GET|DELETE /_sim/requests``; ``POST|GET|DELETE /_sim/faults[/{id}]``; ``GET /_sim/clock``,
``POST /_sim/clock/advance``; ``GET|POST /_sim/latency`` (milliseconds added to every VRM answer);
``POST /_sim/hosts/{urn}/fail|recover``; ``POST /_sim/alarms`` (raise an alarm),
``DELETE /_sim/alarms/{serial}`` (clear it); ``POST /_sim/nas_exports`` (NFS exports the simulated storage
network offers); ``GET|POST /_sim/images`` (shares and files of the simulated image store);
``GET /_sim/dashboard.json``.
"""

import ipaddress
import os
import re

from vrmsim import VERSION, dashboard
from vrmsim.common import as_whole
from vrmsim.errors import VrmError

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _err(status, des, code="10000001"):
    return status, {"errorCode": code, "errorDes": des}, {}


def handle(engine, method, path, query, body):
    if body is not None and not isinstance(body, dict):
        return _err(400, "The request body must be a JSON object.")
    try:
        # control calls such as reset or a host failure change state: the tick and the call are
        # one request scope (no memoised reads: the tick's events change state as they go)
        with engine.lock, engine.handling(method, memo=False):
            engine.tick()
            out = _route(engine, method, path.rstrip("/"), query, body if body is not None else {})
            engine.store.flush()
        if isinstance(out, tuple):
            return out
        return 200, out, {}
    except VrmError as err:
        return err.status, err.body(), {}
    except Exception as exc:  # a bug of vrmsim: answer it, as the VRM paths do, instead of dropping the connection
        return _err(500, "vrmsim internal error: %s" % exc, "10000010")


def _q(query, name, default=None):
    vals = query.get(name)
    return vals[0] if vals else default


def record(engine, rec):
    return {"urn": rec.urn, "kind": rec.kind, "object": engine.render(rec, "detail"), "sim": rec.sim}


def _route(engine, method, path, query, body):
    parts = path.split("/")[2:]   # after "", "_sim"
    head = parts[0] if parts else ""
    if head == "about" and method == "GET":
        return {"version": VERSION, "seed": engine.store.meta.get("seed"), "time_mode": engine.time_mode,
                "now": engine.now(), "site_urn": engine.site_urn, "username": engine.username}
    if head == "reset" and method == "POST":
        from vrmsim import seeds
        seed = body.get("seed", engine.store.meta.get("seed", "demo"))
        if seed not in seeds.SEEDS:
            return _err(400, "seed must be one of %s." % ", ".join(sorted(seeds.SEEDS)))
        seeds.reset(engine, seed, vms=as_whole(body.get("vms") or 0, "vms", 0, 100000),
                    hosts=as_whole(body.get("hosts") or 0, "hosts", 0, 10000))
        engine.requests.clear()
        return {"ok": True}
    if head == "snapshots":
        snapdir = os.path.join(engine.state_dir, "snapshots")
        if len(parts) == 1 and method == "GET":
            names = sorted(f[:-3] for f in os.listdir(snapdir) if f.endswith(".db")) if os.path.isdir(snapdir) else []
            return {"snapshots": names}
        if len(parts) == 1 and method == "POST":
            name = body.get("name", "")
            if not isinstance(name, str) or not _NAME.match(name):
                return _err(400, "A snapshot name is 1-64 letters, digits, '_', '.' or '-'.")
            os.makedirs(snapdir, exist_ok=True)
            engine.store.save_snapshot(os.path.join(snapdir, name + ".db"))
            return {"ok": True, "name": name}
        if len(parts) == 3 and parts[2] == "restore" and method == "POST":
            name = parts[1]
            fpath = os.path.join(snapdir, name + ".db")
            if not _NAME.match(name) or not os.path.exists(fpath):
                return _err(404, "No simulator snapshot named %r." % name, "10000008")
            engine.store.restore_snapshot(fpath)
            engine.sessions = dict(engine.store.meta.get("sessions", {}))
            return {"ok": True, "name": name}
        if len(parts) == 2 and method == "DELETE":
            fpath = os.path.join(snapdir, parts[1] + ".db")
            if not _NAME.match(parts[1]) or not os.path.exists(fpath):
                return _err(404, "No simulator snapshot named %r." % parts[1], "10000008")
            os.unlink(fpath)
            return {"ok": True}
    if head == "objects" and method == "GET":
        if len(parts) == 1:
            kind = _q(query, "kind")
            if not kind:
                return _err(400, "The parameter kind is required, e.g. kind=vms.")
            name = _q(query, "name")
            objs = [record(engine, r) for r in engine.all(kind)
                    if name is None or r.data.get("name") == name]
            return {"objects": objs}
        urn = "/".join(parts[1:])
        rec = engine.find(urn)
        if rec is None:
            return _err(404, "No object %s." % urn, "10000008")
        return record(engine, rec)
    if head == "requests":
        if method == "GET":
            try:
                since = int(_q(query, "since", 0) or 0)
            except ValueError:
                return _err(400, "since must be a request sequence number.")
            reqs = [r for r in list(engine.requests) if r["seq"] > since]
            return {"requests": reqs, "last_seq": engine.request_seq}
        if method == "DELETE":
            engine.requests.clear()
            return {"ok": True, "last_seq": engine.request_seq}
    if head == "faults":
        if len(parts) == 1 and method == "POST":
            rule = engine.add_fault(body)
            return {"id": rule["id"], "rule": rule}
        if len(parts) == 1 and method == "GET":
            return {"faults": engine.faults()}
        if len(parts) == 1 and method == "DELETE":
            engine.delete_fault(None)
            return {"ok": True}
        if len(parts) == 2 and method == "DELETE":
            engine.delete_fault(parts[1])
            return {"ok": True}
    if head == "clock":
        if len(parts) == 1 and method == "GET":
            return {"mode": engine.time_mode, "now": engine.now(), "scale": engine.time_scale}
        if len(parts) == 2 and parts[1] == "advance" and method == "POST":
            try:
                seconds = float(body.get("seconds", 0))
            except (TypeError, ValueError):
                return _err(400, "seconds must be a number.")
            if not 0 <= seconds < float("inf"):     # the clock never runs back; NaN fails this too
                return _err(400, "seconds must be a finite number of 0 or more.")
            engine.advance(seconds)
            return {"mode": engine.time_mode, "now": engine.now(), "scale": engine.time_scale}
    if head == "latency" and len(parts) == 1:
        if method == "POST":
            ms = body.get("ms")
            if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 60000:
                return _err(400, "ms must be a number of milliseconds from 0 to 60000.")
            engine.latency = ms / 1000.0
        if method in ("GET", "POST"):
            return {"ms": round(engine.latency * 1000.0, 3)}
    if head == "hosts" and len(parts) == 3 and method == "POST" and parts[2] in ("fail", "recover"):
        from vrmsim import policies
        urn = parts[1]
        engine.get(urn, "hosts")
        if parts[2] == "fail":
            policies.host_fail(engine, urn)
        else:
            policies.host_recover(engine, urn)
        return record(engine, engine.get(urn))
    if head == "alarms" and len(parts) in (1, 2) and method == ("POST" if len(parts) == 1 else "DELETE"):
        from vrmsim import alarms
        return alarms.sim_raise(engine, body) if len(parts) == 1 else alarms.sim_clear(engine, parts[1])
    if head == "nas_exports" and method == "POST":
        from vrmsim import storage
        ip, path = body.get("ip"), body.get("path")
        if not isinstance(ip, str) or not isinstance(path, str) or not path.startswith("/"):
            return _err(400, "Give ip and an absolute path of the NFS export.")
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return _err(400, "ip %r is not an IP address." % ip)
        capacity = as_whole(body.get("capacity_gb", storage.DEFAULT_NAS_CAPACITY), "capacity_gb", 1, 10 ** 7)
        files = body.get("files")
        if files is not None and (not isinstance(files, list) or not all(isinstance(f, str) for f in files)):
            return _err(400, "files must be a list of file names relative to the export.")
        storage.register_nas_export(engine, ip, path, capacity, files)
        return {"ok": True, "nas_exports": engine.store.meta.get("nas_exports", {}),
                "nas_files": engine.store.meta.get("nas_files", {})}
    if head == "images":
        from vrmsim import images
        return images.control(engine, method, body)
    if head == "dashboard.json" and method == "GET":
        return dashboard.data(engine)
    return _err(404, "Unknown control API call %s %s." % (method, path), "10000008")

"""A VM's console output, its export (to a share, to Glance or through a server lease) and the server leases.

FC8DOC 3.4 (getConsoleOutput, export) and 3.8 (serverlease). vrmsim keeps no guest, so the console log
is written from what it knows of the VM, and an exported disk's data is a stand-in of fixed size that
names its volume (docs/vrmsim-fidelity.md, "Console output and export").
"""

import hashlib
import re

from vrmsim import images
from vrmsim.common import as_bool, as_int, as_str, obj, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.vms import _busy, _vm

PROTOCOLS = ("cifs", "nfs", "server-http", "server-https", "glance")
FORMATS = ("ova", "ovf")
LEASE_TIMEOUT = 600          # seconds a server lease stays usable (choice)
DISK_BYTES = 256 * 1024      # size of an exported disk's stand-in data (choice)
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


# -- console output ----------------------------------------------------------------------------------

BOOT_TASKS = ("StartVmTask", "RebootVmTask")


def _boots(engine, vm):
    """How often the guest booted: once per start or reboot task, at least once when it runs."""
    later = sum(1 for t in engine.all("tasks") if t.data.get("entityUrn") == vm.urn and
                t.data.get("status") == "success" and t.data.get("type") in BOOT_TASKS)
    return max(1 if vm.data.get("status") == "running" else 0, later)


def console_lines(engine, vm):
    """The guest console of a VM as vrmsim writes it: per boot a banner, its disks and NICs, the login prompt."""
    data = vm.data
    cfg = data.get("vmConfig") or {}
    host = (data.get("vmCustomization") or {}).get("hostname") or data.get("name")
    lines = []
    for boot in range(1, _boots(engine, vm) + 1):
        lines += ["FusionCompute virtual BIOS, VM %s (uuid %s), boot %d" % (data.get("name"), data.get("uuid"), boot),
                  "Memory: %d MB, CPUs: %d" % ((cfg.get("memory") or {}).get("quantityMB", 0),
                                               (cfg.get("cpu") or {}).get("quantity", 0))]
        for disk in cfg.get("disks") or []:
            lines.append("disk %d: %d GB (%s)" % (disk.get("sequenceNum", 0), disk.get("quantityGB", 0),
                                                  disk.get("volumeUrn", "")))
        for nic in cfg.get("nics") or []:
            lines.append("eth%d: link up, MAC %s" % (nic.get("sequenceNum", 0), nic.get("mac", "")))
        lines.append("%s login:" % host)
    return lines


@route("POST", "/service/sites/{site}/vms/{vm}/action/getConsoleOutput")
def console_output(engine, req):
    """The last ``length`` lines of a VM's console log ({output})."""
    site_check(engine, req)
    vm = _vm(engine, req)
    if vm.data.get("isTemplate"):
        raise VrmError("10300021", "The operation is not supported on a template.")
    body = obj(req.json(), "body")
    length = as_int(body.get("length"), "length", 1, 10000)
    lines = console_lines(engine, vm)
    if length is not None:
        lines = lines[-length:]
    return {"output": "\n".join(lines)}


# -- export ------------------------------------------------------------------------------------------

def disk_data(volume_urn, size=DISK_BYTES):
    """The stand-in contents of an exported volume: a header naming it, then bytes derived from its URN."""
    head = ("VRMSIM-EXPORT volume=%s\n" % volume_urn).encode("ascii")
    seed = hashlib.sha256(volume_urn.encode("ascii")).digest()
    body = (seed * (size // len(seed) + 1))[:max(0, size - len(head))]
    return head + body


def _export_body(body):
    name = as_str(body.get("name"), "name", 1, 100, code="10000012", required=True)
    if not NAME_RE.match(name):
        raise VrmError("10000012", "The name must be 1 to 100 letters, digits, '_', '-' or '.'.")
    protocol = as_str(body.get("protocol"), "protocol", hi=32, code="10300160") or "cifs"
    if protocol not in PROTOCOLS:
        raise VrmError("10300160", "The protocol %s is not supported (%s)." % (protocol, ", ".join(PROTOCOLS)))
    fmt = as_str(body.get("format"), "format", hi=8, code="10300229") or "ovf"
    if fmt not in FORMATS:
        raise VrmError("10300229", "The format must be ova or ovf.")
    url = body.get("url")
    if isinstance(url, str) and len(url) > 256:
        raise VrmError("10300036", "The share path is longer than 256 characters.")
    url = as_str(url, "url", hi=256, code="10300035")
    if not protocol.startswith("server-") and protocol != "glance" and not url:
        raise VrmError("10300035", "The url is required with the %s protocol." % protocol)
    glance = None
    if protocol == "glance":
        glance = obj(body.get("glanceConfig"), "glanceConfig") or {}
        missing = [k for k in ("endPoint", "token", "imageID") if not glance.get(k)]
        if missing:
            raise VrmError("10300740", "glanceConfig needs %s." % ", ".join(missing))
    as_bool(body.get("isOverwrite"), "isOverwrite", False)
    return name, protocol, fmt, url, glance


@route("POST", "/service/sites/{site}/vms/{vm}/action/export")
def export_vm(engine, req):
    """Export a VM or template (task ExportTemplate); server-http(s) answers a server lease for the files."""
    site_check(engine, req)
    vm = _vm(engine, req)
    body = obj(req.json(), "body")
    name, protocol, fmt, url, glance = _export_body(body)
    _busy(engine, vm)
    disks = (vm.data.get("vmConfig") or {}).get("disks") or []
    if not disks:
        raise VrmError("10300901", "The VM or template has no disk to export.")
    share = images.share_export(engine, vm, body, name, protocol, fmt, url) if protocol in ("cifs", "nfs") else None
    task = engine.start_task("ExportTemplate", vm.urn, vm.data["name"], done=("vm_exported", {"share": share}),
                             fail=("vm_exported", {"failed": True}), user=req.session["user"])
    task.data["params"] = {"name": name, "protocol": protocol, "format": fmt, "url": url or "",
                           "imageID": (glance or {}).get("imageID", "")}
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    extra = {"urn": vm.urn, "uri": vm.data["uri"]}
    if protocol.startswith("server-"):
        lease_urn = engine.new_urn("serverlease")
        engine.add("serverlease", lease_urn, {
            "entity": vm.urn, "protocol": protocol[len("server-"):], "leaseTimeout": LEASE_TIMEOUT,
            "state": "initializing", "percent": 0, "faultCode": "", "faultDes": "", "serverLeaseInfos": []},
            {"task": task.urn, "format": fmt, "name": name, "created": engine.now(),
             "volumes": [d.get("volumeUrn") for d in disks if d.get("volumeUrn")],
             "host": req.headers.get("Host") or "127.0.0.1"})
        task.sim["lease"] = lease_urn
        engine.touch(task)
    else:
        lease_urn = engine.new_urn("serverlease")  # the document's answer names one; no lease exists behind it
    extra.update(serverLeaseUrn=lease_urn, serverLeaseUri=engine.uri_of(lease_urn))
    return engine.task_ref(task, extra)


@handler("vm_exported")
def _vm_exported(engine, task, failed=False, share=None):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.sim["busy"] = None
        engine.touch(vm)
    if share and not failed:
        images.write_export(engine, task, **share)     # a share that cannot take it fails the task
    lease = engine.find(task.sim.get("lease") or "", "serverlease")
    if lease is None:
        return
    if failed:
        lease.data.update(state="error", faultCode=task.data.get("reason") or "10800102",
                          faultDes=task.data.get("reasonDes") or "The export failed.")
    else:
        lease.data["state"] = "ready"
    engine.touch(lease)


# -- server leases -----------------------------------------------------------------------------------

@renderer("serverlease")
def render_lease(engine, rec, view):
    out = dict(rec.data)
    left = LEASE_TIMEOUT - (engine.now() - rec.sim.get("created", engine.now()))
    out["leaseTimeout"] = max(0, int(left))
    if rec.data["state"] in ("ready", "done"):
        lease_id = rec.urn.rsplit(":", 1)[1]
        base = "%s://%s/serverlease-files/%s/%s" % (rec.data["protocol"], rec.sim["host"], engine.site_id, lease_id)
        infos = [{"key": vol.rsplit(":", 1)[1], "capacityInGB": _size_gb(engine, vol),
                  "dataStore": _datastore(engine, vol), "url": "%s/%s" % (base, vol.rsplit(":", 1)[1])}
                 for vol in rec.sim.get("volumes") or []]
        descriptor = "%s.%s" % (rec.sim.get("name"), rec.sim.get("format"))
        infos.insert(0, {"key": rec.sim.get("format"), "capacityInGB": 0, "dataStore": "",
                         "url": "%s/%s" % (base, descriptor)})
        out["serverLeaseInfos"] = infos
    return out


def _size_gb(engine, vol_urn):
    vol = engine.find(vol_urn, "volumes")
    return int(vol.data.get("quantityGB", 0)) if vol is not None else 0


def _datastore(engine, vol_urn):
    vol = engine.find(vol_urn, "volumes")
    return vol.data.get("datastoreUrn", "") if vol is not None else ""


def _lease(engine, req):
    urn = "%s:serverlease:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "serverlease")
    if rec is None:
        raise VrmError("10800152", "The server lease %s does not exist or has ended." % urn)
    return rec


@route("GET", "/service/sites/{site}/serverlease/{id}")
def get_lease(engine, req):
    """A server lease: its state, progress and the URL of each exported file."""
    site_check(engine, req)
    return engine.render(_lease(engine, req))


@route("PUT", "/service/sites/{site}/serverlease/{id}")
def put_lease(engine, req):
    """Report the progress of the lease's user (percent)."""
    site_check(engine, req)
    lease = _lease(engine, req)
    body = obj(req.json(), "body")
    percent = as_int(body.get("percent"), "percent", 0, 100)
    if lease.data["state"] in ("done", "error"):
        raise VrmError("10800152", "The server lease has ended.")
    if lease.data["state"] == "initializing":
        raise VrmError("10800153", "The server lease is still being prepared.")
    if percent is not None:
        lease.data["percent"] = percent
        engine.touch(lease)
    return {}


@route("POST", "/service/sites/{site}/serverlease/{id}/action/complete")
def complete_lease(engine, req):
    """Release a server lease (isAbort, fault)."""
    site_check(engine, req)
    lease = _lease(engine, req)
    body = obj(req.json(), "body")
    abort = as_bool(body.get("isAbort"), "isAbort", False)
    if lease.data["state"] == "initializing":
        raise VrmError("10800153", "The server lease is still being prepared.")
    if lease.data["state"] == "ready":
        if abort:
            lease.data.update(state="error", faultCode="10800152",
                              faultDes=as_str(body.get("fault"), "fault", hi=1024) or "aborted by the client")
        else:
            lease.data.update(state="done", percent=100)
        engine.touch(lease)
    return {}


@route("GET", "/serverlease-files/{site}/{id}/{key}", auth=False)
def lease_file(engine, req):
    """One file of a ready server lease (vrmsim's stand-in for the node's HTTP service)."""
    urn = "%s:serverlease:%s" % (engine.site_urn, req.params["id"])
    lease = engine.find(urn, "serverlease")
    if lease is None or lease.data["state"] != "ready" or req.params["site"] != engine.site_id:
        raise VrmError("10800152", "The server lease does not exist or is not ready.", status=404)
    key = req.params["key"]
    for vol in lease.sim.get("volumes") or []:
        if vol.rsplit(":", 1)[1] == key:
            return 200, disk_data(vol), {"Content-Type": "application/octet-stream"}
    if key == "%s.%s" % (lease.sim.get("name"), lease.sim.get("format")):
        files = "".join('  <File ovf:id="%s" ovf:href="%s"/>\n' % (v.rsplit(":", 1)[1], v.rsplit(":", 1)[1])
                        for v in lease.sim.get("volumes") or [])
        text = '<?xml version="1.0"?>\n<Envelope name="%s">\n%s</Envelope>\n' % (lease.sim.get("name"), files)
        return 200, text.encode("utf-8"), {"Content-Type": "application/xml"}
    raise VrmError("10800152", "The server lease has no file %s." % key, status=404)

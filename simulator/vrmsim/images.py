"""Image management: the files image stores publish (ISOs and template files on CIFS, NFS and HTTP shares),
a VM's CD-ROM (FC8DOC ch3 "挂载光驱", "卸载光驱", "查询虚拟机光驱"), template export ("导出模板"), the source
checks of template import ("导入模板") and customization specifications ("虚拟机自定义规范").

What vrmsim chose where the document is silent is in docs/vrmsim-fidelity.md ("Images, CD-ROMs, export,
customization specifications")."""

import hashlib
import ipaddress
import re

from vrmsim.common import as_bool, as_str, obj, page, site_check
from vrmsim.engine import fmt_time, handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route

# Servers in TEST-NET-3 never answer, as for hosts (docs/vrmsim-fidelity.md).
UNREACHABLE = ipaddress.ip_network("203.0.113.0/24")
TEMPLATE_FORMATS = ("ovf", "ova", "xml")
CDROM_PROTOCOLS = ("cifs", "sff", "file", "datastore")
_CIFS_PATH = re.compile(r"^//[A-Za-z0-9_. -]+(/[A-Za-z0-9_. -]+)+$")


# -- the files image stores publish --------------------------------------------------------------------------

def _shares(engine):
    return engine.store.meta.get("image_shares", {})


def share_root(url):
    """The share a location belongs to: ``//server/share``, ``server:/first/dir`` or ``http://server``."""
    if url.startswith("//"):
        parts = url[2:].split("/")
        return "//" + "/".join(parts[:2])
    if url.startswith(("http://", "https://")):
        scheme, rest = url.split("://", 1)
        return scheme + "://" + rest.split("/", 1)[0]
    server, _, path = url.partition(":")
    return server + ":/" + path.strip("/").split("/")[0]


def server_of(url):
    if url.startswith("//"):
        return url[2:].split("/", 1)[0]
    if "://" in url:
        return url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    return url.split(":", 1)[0]


def unreachable(url):
    try:
        return ipaddress.ip_address(server_of(url)) in UNREACHABLE
    except ValueError:
        return False


def publish(engine, url, files, capacity_gb=1024):
    """Make ``url`` a share of the simulated image store holding ``files`` ({name, size_gb, format, checksum})."""
    url = url.rstrip("/")
    shares = dict(_shares(engine))
    share = dict(shares.get(url) or {"capacity_gb": capacity_gb, "files": {}})
    share["capacity_gb"] = capacity_gb
    share["files"] = dict(share["files"])
    for f in files:
        name = f["name"].strip("/")
        fmt = f.get("format") or name.rsplit(".", 1)[-1].lower()
        size = f.get("size_gb", 1)
        checksum = f.get("checksum") or "sha256:" + hashlib.sha256(("%s/%s" % (url, name)).encode()).hexdigest()
        share["files"][name] = {"format": fmt, "size_gb": size, "checksum": checksum}
    shares[url] = share
    engine.store.set_meta("image_shares", shares)
    if not url.startswith(("//", "http")):        # an NFS share is an export of the simulated storage network too
        from vrmsim import storage
        server, _, path = url.partition(":")
        declared = engine.store.meta.get("nas_files", {}).get(url, [])
        storage.register_nas_export(engine, server, path, capacity_gb, sorted(set(declared) | set(share["files"])))
    return share


def lookup(engine, url):
    """``(share url, share, file or None)`` for the longest published share holding ``url``, or None."""
    best = None
    for root, share in _shares(engine).items():
        if url.startswith(root + "/") and (best is None or len(root) > len(best[0])):
            best = (root, share, share["files"].get(url[len(root) + 1:]))
    return best


def check_import_source(engine, protocol, url, vm):
    """The host reads a template file when an import task runs; answer the document's task codes."""
    if not url:
        return
    if unreachable(url):
        raise VrmError("10300143", "The host cannot connect to the shared directory of %s; check its permissions "
                                   "and the network." % url)
    found = lookup(engine, url)
    if found is None:
        if protocol == "nfs":
            from vrmsim import storage
            server, path = url.split(":", 1)
            if not storage.nas_file_exists(engine, server, path):
                raise VrmError("10300924", "The template file %s does not exist; check the template file." % url)
        return
    _root, _share, info = found
    if info is None:
        raise VrmError("10300924", "The template file %s does not exist; check the template file." % url)
    if info["format"] not in TEMPLATE_FORMATS:
        raise VrmError("10300144", "%s is a %s file, not a template description (OVF, OVA or XML); the XML file "
                                   "could not be parsed." % (url, info["format"]))
    disks = vm.data["vmConfig"]["disks"]
    if disks and info["size_gb"] > sum(d["quantityGB"] for d in disks):
        raise VrmError("10300146", "The image of %s holds %d GB, more than the %d GB of disks the request gives."
                       % (url, info["size_gb"], sum(d["quantityGB"] for d in disks)))
    from vrmsim import storage
    for ds_urn in vm.data.get("dataStoreUrns", []):
        ds = engine.find(ds_urn, "datastores")
        if ds is None:
            continue
        used, _prov = storage.datastore_usage(engine, ds_urn)
        cap = int(ds.data.get("actualCapacityGB", ds.data.get("capacityGB", 0))) * storage.GB
        if used + info["size_gb"] * storage.GB > cap:
            raise VrmError("10410003", "The datastore %s has not enough free space for the %d GB image." % (
                ds.data["name"], info["size_gb"]))
    vm.sim["source"] = {"url": url, "checksum": info["checksum"], "format": info["format"]}


# -- CD-ROM --------------------------------------------------------------------------------------------------

def _vm(engine, req):
    from vrmsim.vms import _vm as find_vm
    return find_vm(engine, req)


def _iso_missing(path):
    return VrmError("10800110", "The CD-ROM device or ISO file %s does not exist; check the path." % path)


@route("POST", "/service/sites/{site}/vms/{vm}/action/attachCdrom")
def attach_cdrom(engine, req):
    """Attach an ISO to a running VM's CD-ROM (task AttachCdRomTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    body = req.json()
    protocol = as_str(body.get("protocol"), "protocol", 1, 16, default="cifs", code="10300343")
    if protocol not in CDROM_PROTOCOLS:
        raise VrmError("10300343", "protocol must be one of %s." % ", ".join(CDROM_PROTOCOLS))
    path = as_str(body.get("devicePath"), "devicePath", 1, 256, required=True, code="10301035")
    if protocol == "cifs" and not _CIFS_PATH.match(path):
        raise VrmError("10301035", "devicePath %r is not a CIFS path of letters, digits, '_', '-', spaces and dots "
                                   "like //192.0.2.1/share/image.iso." % path)
    if protocol == "datastore" and not re.match(r"^[^:/]+:/.+", path):
        raise VrmError("10301035", "devicePath %r is not the NFS path of a file of a datastore, like "
                                   "192.0.2.1:/export/iso/image.iso." % path)
    if body.get("username") is not None:
        as_str(body["username"], "username", 1, 63, code="10200254")
    as_str(body.get("password"), "password", 0, 63, code="10300344")
    if vm.data["vmConfig"].get("cdromSequenceNum", 1003) == 0:
        raise VrmError("10300437", "The VM has no CD-ROM drive (cdromSequenceNum is 0).")
    if "cloning" in (vm.data.get("additionalStatus") or []):
        raise VrmError("10300170", "The VM or template is being cloned; this operation is not allowed now.")
    if vm.sim.get("cdrom") or vm.data.get("cdRomStatus") != "empty":
        raise VrmError("10300033", "The VM already has a CD-ROM attached; detach it first.")
    if vm.sim.get("busy"):
        raise VrmError("10300096", "The VM is already running this operation.")
    return _cdrom_task(engine, req, vm, "AttachCdRomTask", "injecting",
                       ("cdrom_attached", {"path": path, "protocol": protocol}), ("cdrom_status", {"status": "empty"}))


def _cdrom_task(engine, req, vm, task_type, passing, done, fail):
    """FC8DOC: only a running VM attaches or detaches a CD-ROM; the drive is ``passing`` while the task runs."""
    if vm.data["status"] != "running":
        raise VrmError("10300015", "Only a running VM can attach or detach a CD-ROM; %s is %s." % (
            vm.data["name"], vm.data["status"]))
    vm.data["cdRomStatus"] = passing
    engine.touch(vm)
    return engine.task_ref(engine.start_task(task_type, vm.urn, vm.data["name"], user=req.session["user"],
                                             done=done, fail=fail))


@handler("cdrom_attached")
def _cdrom_attached(engine, task, path, protocol):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    if protocol in ("cifs", "datastore"):
        if unreachable(path):
            raise VrmError("10800108", "The host cannot connect to %s; check the network and the server's "
                                       "firewall." % server_of(path))
        found = lookup(engine, path)
        if found is not None and (found[2] is None or found[2]["format"] != "iso"):
            raise _iso_missing(path)
        if found is None and protocol == "datastore":
            from vrmsim import storage
            server, nfs_path = path.split(":", 1)
            mounted = any(ds.data.get("storageType") == "NAS" for ds in engine.all("datastores"))
            if not mounted or not storage.nas_file_exists(engine, server, nfs_path):
                raise _iso_missing(path)
    vm.sim["cdrom"] = {"devicePath": path, "protocol": protocol, "attachCdromTime": fmt_time(engine.now())}
    vm.data["cdRomStatus"] = "fill"
    engine.touch(vm)


@handler("cdrom_status")
def _cdrom_status(engine, task, status):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.data["cdRomStatus"] = status
        if status == "empty":
            vm.sim["cdrom"] = None
        engine.touch(vm)


@route("POST", "/service/sites/{site}/vms/{vm}/action/detachCdrom")
def detach_cdrom(engine, req):
    """Detach the CD-ROM of a running VM (task DetachCdRomTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    if not vm.sim.get("cdrom"):
        raise VrmError("10300034", "The VM has no CD-ROM attached.")
    return _cdrom_task(engine, req, vm, "DetachCdRomTask", "ejecting", ("cdrom_status", {"status": "empty"}),
                       ("cdrom_status", {"status": "fill"}))


@route("POST", "/service/sites/{site}/vms/{vm}/action/describeCdrom")
def describe_cdrom(engine, req):
    """The ISO a VM's CD-ROM holds ({devicePath, attachCdromTime}, both null when empty)."""
    site_check(engine, req)
    cd = _vm(engine, req).sim.get("cdrom") or {}
    return {"devicePath": cd.get("devicePath"), "attachCdromTime": cd.get("attachCdromTime")}


def on_stop(vm):
    """FC8DOC: a CD-ROM not attached with the file protocol is detached when the VM stops (or by HA)."""
    cd = vm.sim.get("cdrom")
    if cd and cd.get("protocol") not in ("file", "datastore"):
        vm.sim["cdrom"] = None
        vm.data["cdRomStatus"] = "empty"


# -- export --------------------------------------------------------------------------------------------------

def share_export(engine, vm, body, name, protocol, fmt, url):
    """The checks of an export to a CIFS or NFS share, made before the task starts (the route is in
    vm_export.py); returns the arguments of :func:`write_export`."""
    from vrmsim.vms import _import_url
    _import_url(protocol, url)
    overwrite = as_bool(body.get("isOverwrite"), "isOverwrite", False)
    if vm.data.get("isLinkClone") and vm.data["status"] != "stopped":
        raise VrmError("10300511", "A linked clone cannot be exported while it runs.")
    if vm.sim.get("busy") or vm.data["status"] in ("creating", "migrating", "shutting-down"):
        raise VrmError("10300162", "The operation conflicts with a task still running on the VM; retry later.")
    target = url.rstrip("/") + "/" + (name + ".ova" if fmt == "ova" else name + "/" + name + ".ovf")
    size = sum(d["quantityGB"] for d in vm.data["vmConfig"]["disks"])
    return {"target": target, "fmt": fmt, "size": size, "overwrite": overwrite}


def write_export(engine, task, target, fmt, size, overwrite):
    """The end of an export to a share: the template file appears there (or the task fails with the reason)."""
    if unreachable(target):
        raise VrmError("10300143", "The host cannot connect to the shared directory of %s." % target)
    found = lookup(engine, target)
    if found is None:
        raise VrmError("10300143", "The host cannot connect to the shared directory of %s; no such share." % target)
    root, share, existing = found
    if existing is not None and not overwrite:
        raise VrmError("10321002", "The template %s already exists; it was not exported." % target)
    used = sum(f["size_gb"] for n, f in share["files"].items() if root + "/" + n != target)
    if used + size > share["capacity_gb"]:
        raise VrmError("10321003", "Exporting the VM (template) failed: the share %s has %d GB free, the template "
                                   "needs %d GB." % (root, share["capacity_gb"] - used, size))
    checksum = "sha256:" + hashlib.sha256(("%s@%s" % (task.data["entityUrn"], task.urn)).encode()).hexdigest()
    publish(engine, root, [{"name": target[len(root) + 1:], "format": fmt, "size_gb": size,
                            "checksum": checksum}], share["capacity_gb"])


# -- customization specifications ----------------------------------------------------------------------------

SPEC_FIELDS = ("name", "description", "osType", "hostname", "password", "workgroup", "domain", "domainName",
               "domainPassword", "ouName", "nicSpecification", "isUpdateVmSid", "isUpdateVmPassword")
SECRETS = ("password", "domainPassword")


@renderer("vmcustomizations")
def render_spec(engine, rec, view):
    out = dict(rec.data)
    for k in SECRETS:      # never answered (docs/vrmsim-fidelity.md)
        if out.get(k):
            out[k] = "******"
    return out


def _spec_body(engine, body, current=None):
    from vrmsim.vm_spec import _customization
    data = dict(current or {})
    for k in SPEC_FIELDS:
        if k in body:
            data[k] = body[k]
    name = data.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 255 or not name.strip():
        raise VrmError("10300353", "The customization specification name must be 1 to 255 characters.")
    as_str(data.get("description"), "description", 0, 1024, code="10000018")
    if data.get("workgroup") and data.get("domain"):
        raise VrmError("10300346", "Give either workgroup or domain, not both.")
    if data.get("workgroup") is not None:
        as_str(data["workgroup"], "workgroup", 0, 15, code="10300345")
    if data.get("domain") and not data.get("domainName"):
        raise VrmError("10300347", "A domain needs domainName and domainPassword.")
    check = {k: v for k, v in data.items() if k not in ("name", "description", "workgroup", "domain", "domainName",
                                                         "domainPassword", "ouName", "isUpdateVmSid")}
    _customization(check)
    for other in engine.all("vmcustomizations"):
        if other.data["name"] == name and other.data["urn"] != data.get("urn"):
            raise VrmError("10300354", "A customization specification named %s exists already." % name)
    return data


def _spec(engine, req):
    site_check(engine, req)
    rec = engine.find("%s:vmcustomizations:%s" % (engine.site_urn, req.params["id"]), "vmcustomizations")
    if rec is None:
        raise VrmError("10300341", "The customization specification does not exist.")
    return rec


@route("POST", "/service/sites/{site}/vmcustomizations")
def create_spec(engine, req):
    """Create a customization specification (answers urn/uri, no task)."""
    site_check(engine, req)
    data = _spec_body(engine, obj(req.json(), "body"))
    urn = engine.new_urn("vmcustomizations")
    rec = engine.add("vmcustomizations", urn, data)
    return {"urn": rec.urn, "uri": rec.data["uri"]}


@route("GET", "/service/sites/{site}/vmcustomizations")
def list_specs(engine, req):
    """List customization specifications (limit, offset, exact name)."""
    site_check(engine, req)
    name = req.q("name")
    items = [r for r in engine.all("vmcustomizations") if name in (None, "") or r.data["name"] == name]
    res = page(items, req, "vmCustomizations", all_when_absent=False)
    res["vmCustomizations"] = [engine.render(r) for r in res["vmCustomizations"]]
    return res


@route("GET", "/service/sites/{site}/vmcustomizations/{id}")
def get_spec(engine, req):
    """Get a customization specification."""
    return engine.render(_spec(engine, req))


@route("PUT", "/service/sites/{site}/vmcustomizations/{id}")
def modify_spec(engine, req):
    """Modify a customization specification (fields not sent are kept)."""
    rec = _spec(engine, req)
    rec.data = _spec_body(engine, obj(req.json(), "body"), rec.data)
    engine.touch(rec)
    return None


@route("DELETE", "/service/sites/{site}/vmcustomizations/{id}")
def delete_spec(engine, req):
    """Delete a customization specification."""
    rec = _spec(engine, req)
    engine.remove(rec.urn)
    return None


def resolve_customization(engine, value, os_type, nic_count):
    """A clone's ``vmCustomization`` that names a saved specification (``vmcustomizationId``) is that
    specification with the fields the request gives on top."""
    cust = obj(value, "vmCustomization")
    ref = cust.get("vmcustomizationId") if cust else None
    if not ref:
        return value
    ident = str(ref).rsplit(":", 1)[-1]
    rec = engine.find("%s:vmcustomizations:%s" % (engine.site_urn, ident), "vmcustomizations")
    if rec is None:
        raise VrmError("10300341", "The customization specification %s does not exist." % ref)
    merged = {k: v for k, v in rec.data.items() if k not in ("urn", "uri", "name", "description")}
    merged.update({k: v for k, v in cust.items() if k != "vmcustomizationId"})
    if merged.get("osType") and os_type and merged["osType"] != os_type:
        raise VrmError("10300356", "The specification is for %s guests; the VM's OS is %s." % (
            merged["osType"], os_type))
    nics = merged.get("nicSpecification") or []
    if nics and len(nics) != nic_count:
        raise VrmError("10300355", "The specification configures %d NICs; the VM has %d." % (len(nics), nic_count))
    return merged


def seed_demo(engine):
    """The demo's image store: a CIFS ISO library and an NFS template share on the NAS server."""
    publish(engine, "//198.51.100.210/library", [
        {"name": "iso/centos-9-stream.iso", "size_gb": 10}, {"name": "iso/ubuntu-22.04.iso", "size_gb": 2},
        {"name": "templates/alpine-3.19.ova", "size_gb": 1}], capacity_gb=500)


def control(engine, method, body):
    """``POST /_sim/images`` {share, files: [{name, size_gb, format, checksum}], capacity_gb}: publish files on a
    share of the simulated image store (``//server/share``, ``server:/export`` or ``http(s)://server``);
    ``GET /_sim/images``: every share and its files."""
    if method == "GET":
        return {"shares": _shares(engine)}
    if method != "POST":
        return 405, {"errorCode": "10000001", "errorDes": "Use GET or POST."}, {}
    share = body.get("share")
    if not isinstance(share, str) or not re.match(r"^(//[^/]+/[^/]+|[^/:]+:/.+|https?://[^/]+)/?$", share):
        return 400, {"errorCode": "10000001", "errorDes": "share must be //server/share, server:/export or "
                                                          "http(s)://server."}, {}
    files = body.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"]
                                              for f in files):
        return 400, {"errorCode": "10000001", "errorDes": "files must be a list of {name, size_gb, format, "
                                                          "checksum}."}, {}
    for f in files:
        size = f.get("size_gb", 1)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            return 400, {"errorCode": "10000001", "errorDes": "size_gb of %s must be a whole number." % f["name"]}, {}
    capacity = body.get("capacity_gb", 1024)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        return 400, {"errorCode": "10000001", "errorDes": "capacity_gb must be a whole number above 0."}, {}
    return {"ok": True, "share": share.rstrip("/"), "files": publish(engine, share, files, capacity)["files"]}

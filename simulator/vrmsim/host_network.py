"""A host's network planes: uplink bonds (UplinkPortAggr) and system interfaces (SystemIntf) per plane.

FC8DOC ch5 5.2 and 5.3. The management plane (``Mgnt-0`` on the bond ``Mgnt_Aggr``, active-backup, one NIC) is
made with the host; storage (type 1) and service (type 2, with the ``migrate``/``ha``/``dr``/``vims`` switches)
interfaces are made through the API. A plane's outbound bandwidth limit (``txLimit``) caps the traffic the host
reports for it (:func:`plane_out_kbps`, the host's ``nic_byte_out`` metric).
"""

import ipaddress
import re

from vrmsim.common import as_int, as_str, lst, obj, site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route

AGGR = "uplinkportaggrs"
INTF = "systemintfs"
# strategies of a bond of normal (kernel-driven) NICs; 10-12 are for user-mode (DPDK) NICs (FC8DOC 5.2.1)
KERNEL_STRATEGIES = (0, 1, 6, 7, 8, 9, 13)
MAX_BOND_PORTS = 8
MAX_STORAGE_INTFS = 16          # FC8DOC 10540524
MAX_SERVICE_INTFS = 4           # FC8DOC 10506001 names a limit without its value: vrmsim's choice
OPTIONS = ("migrate", "ha", "dr", "vims")
MAX_MBIT = 10000                # "网卡最大速率（10 * 1000）"
# what each plane would send with no limit (Mbit/s), for the host's network figures
PLANE_DEMAND = {0: 200, 1: 4000, 2: 6000}
MGMT_NAME, MGMT_AGGR = "Mgnt-0", "Mgnt_Aggr"
NAME_RE = re.compile(r"^[^<>&|;`$\\'\"]+$")


# -- records --------------------------------------------------------------------------------------

def _ports_of(engine, host_urn):
    return [p for p in engine.all("uplinkports") if p.sim.get("host") == host_urn]


def _aggrs_of(engine, host_urn):
    return [a for a in engine.all(AGGR) if a.sim.get("host") == host_urn]


def _intfs_of(engine, host_urn):
    return [i for i in engine.all(INTF) if i.sim.get("host") == host_urn]


def _members(engine, aggr):
    return [engine.get(m["urn"], "uplinkports") for m in aggr.data["uplinkPorts"]]


def _member_view(port):
    d = port.data
    return {"urn": d["urn"], "uri": d["uri"], "name": d["name"], "speed": d["speed"], "duplex": d["duplex"],
            "mac": d["mac"], "mtu": d["mtu"], "status": d["status"]}


def _bond(engine, host, name, strategy, ports, description=""):
    urn = engine.new_urn(AGGR, parent=host.urn)
    rec = engine.add(AGGR, urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description, "strategy": strategy,
        "uplinkPorts": [], "dvSwitchUrn": "", "mac": ports[0].data["mac"], "speed": ports[0].data["speed"],
        "duplex": 0, "mtu": ports[0].data["mtu"], "status": 0}, {"host": host.urn})
    _join(engine, rec, ports)
    return rec


def _join(engine, aggr, ports):
    for p in ports:
        p.data["uplinkPortAggrUrn"] = aggr.urn
        p.data["bindStatus"] = "bind"
        engine.touch(p)
        aggr.data["uplinkPorts"].append(_member_view(p))
    engine.touch(aggr)


def _leave(engine, aggr, port):
    port.data["uplinkPortAggrUrn"] = ""
    port.data["bindStatus"] = "unbind"
    engine.touch(port)
    aggr.data["uplinkPorts"] = [m for m in aggr.data["uplinkPorts"] if m["urn"] != port.urn]
    engine.touch(aggr)


def _intf(engine, host, fields, port):
    urn = engine.new_urn(INTF, parent=host.urn)
    data = {"urn": urn, "uri": engine.uri_of(urn), "name": "", "description": "", "type": 1, "portUrn": port.urn,
            "portName": port.data["name"], "flag": 1 if port.kind == AGGR else 0, "vlanId": 0, "netAddr": "",
            "netMask": 24, "gateway": "", "txLimit": 0, "txPeakLimit": 0, "txBurstSize": 0, "txWeight": 0,
            "priority": 0, "option": [], "routeInfo": [], "switchType": 0, "params": {}}
    data.update(fields)
    return engine.add(INTF, urn, data, {"host": host.urn})


def add_management_plane(engine, host, gateway=""):
    """The management plane VRM makes when a host is added: ``Mgnt_Aggr`` (active-backup, eth0) carrying
    ``Mgnt-0`` with the host's IP (FC8DOC 5.3.1 note 2)."""
    ports = sorted(_ports_of(engine, host.urn), key=lambda p: p.data["name"])
    if not ports or any(i.data["type"] == 0 for i in _intfs_of(engine, host.urn)):
        return None
    aggr = _bond(engine, host, MGMT_AGGR, 1, ports[:1])
    return _intf(engine, host, {"name": MGMT_NAME, "type": 0, "netAddr": host.data["ip"], "gateway": gateway,
                                "description": "management plane"}, aggr)


def seed_demo(engine):
    """Every demo host gets its management plane."""
    for h in engine.all("hosts"):
        add_management_plane(engine, h, gateway="198.51.100.1")


def plane_out_kbps(engine, host_urn):
    """The host's outbound traffic (KB/s) as its planes send it: each plane's demand capped by its txLimit."""
    host = engine.find(host_urn, "hosts")
    if host is None or host.data.get("status") != "normal":
        return 0.0
    total = 0
    for i in _intfs_of(engine, host_urn):
        mbit = PLANE_DEMAND.get(i.data["type"], 0)
        if i.data.get("txLimit"):
            mbit = min(mbit, i.data["txLimit"])
        total += mbit
    return total * 1000.0 / 8


# -- checks ---------------------------------------------------------------------------------------

def _host(engine, req):
    site_check(engine, req)
    urn = "%s:hosts:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "hosts")
    if rec is None:
        raise VrmError("10300027", "The host %s does not exist." % urn)
    return rec


def _aggr(engine, host, aid):
    rec = engine.find("%s:%s:%s" % (host.urn, AGGR, aid), AGGR)
    if rec is None:
        raise VrmError("10540016", "The bond %s does not exist on host %s." % (aid, host.data["name"]))
    return rec


def _intf_rec(engine, host, iid):
    if not str(iid).isdigit():
        raise VrmError("10540505", "The system interface ID %r is not valid." % iid)
    rec = engine.find("%s:%s:%s" % (host.urn, INTF, iid), INTF)
    if rec is None:
        raise VrmError("10540500", "The system interface %s does not exist on host %s." % (iid, host.data["name"]))
    return rec


def _strategy(value):
    val = as_int(value, "strategy", code="10540400")
    if val not in KERNEL_STRATEGIES:
        raise VrmError("10540400", "strategy %s is not a bond mode of normal NICs (%s)." % (
            val, ", ".join(str(s) for s in KERNEL_STRATEGIES)))
    return val


def _free_ports(engine, host, urns, aggr=None):
    """The uplink ports ``urns`` of ``host``, none of them bonded, on a DVS or carrying a system interface."""
    if not all(isinstance(u, str) for u in urns):
        raise VrmError("10540013", "uplinkPortUrns lists NIC URNs (strings).")
    if len(set(urns)) != len(urns):
        raise VrmError("10540406", "A NIC is listed twice.")
    out = []
    for u in urns:
        port = engine.find(u, "uplinkports")
        if port is None or port.sim.get("host") != host.urn:
            raise VrmError("10540013", "The NIC %s does not exist on host %s." % (u, host.data["name"]))
        d = port.data
        if d["uplinkPortAggrUrn"] and d["uplinkPortAggrUrn"] != (aggr.urn if aggr else None):
            other = engine.find(d["uplinkPortAggrUrn"], AGGR)
            raise VrmError("10540014", "The NIC %s is already a member of the bond %s." % (
                d["name"], other.data["name"] if other else d["uplinkPortAggrUrn"]))
        if d["uplinkPortAggrUrn"]:
            raise VrmError("10540014", "The NIC %s is already a member of this bond." % d["name"])
        if d["dvSwitchUrn"] or any(i.data["portUrn"] == port.urn for i in _intfs_of(engine, host.urn)):
            raise VrmError("10540014", "The NIC %s is already used (by a DVS or a system interface)." % d["name"])
        out.append(port)
    return out


def _same_speed(ports):
    if len({p.data["speed"] for p in ports}) > 1:
        raise VrmError("10540411", "NICs of different speeds cannot be bonded.")


def _bond_name(engine, host, value, own=None, required=True):
    name = as_str(value, "name", 1, 256, required=required, code="10540521")
    if name is not None and any(a.data["name"] == name and a is not own for a in _aggrs_of(engine, host.urn)):
        raise VrmError("10540410", "A bond named %s already exists on host %s." % (name, host.data["name"]))
    return name


def _ip(value, code, field):
    try:
        return str(ipaddress.IPv4Address(value))
    except (ValueError, TypeError):
        raise VrmError(code, "%s %r is not an IPv4 address." % (field, value))


def _intf_fields(engine, host, body, cur=None):
    """The system interface fields of a create (``cur`` None) or update body, checked (FC8DOC 5.3.1, 5.3.4)."""
    cur = cur.data if cur is not None else {}
    out = {}
    if "name" in body:
        out["name"] = as_str(body["name"], "name", 0 if cur else 1, 256, code="10540521")
    if "description" in body:
        out["description"] = as_str(body["description"], "description", 0, 1024, code="10540522")
    if "vlanId" in body:
        out["vlanId"] = as_int(body["vlanId"], "vlanId", 0, 4094, code="10504009")
    if "netAddr" in body:
        out["netAddr"] = _ip(body["netAddr"], "10500004", "netAddr")
    if "netMask" in body:
        out["netMask"] = as_int(body["netMask"], "netMask", 1, 31, code="10500006")
    if "gateway" in body and body["gateway"] not in (None, ""):
        out["gateway"] = _ip(body["gateway"], "10500007", "gateway")
    if "option" in body:
        opts = [str(o).strip() for o in lst(body["option"], "option")]
        if any(o not in OPTIONS for o in opts):
            raise VrmError("10506024", "option takes %s." % ", ".join(OPTIONS))
        out["option"] = sorted(set(opts))
    if "routeInfo" in body and body["routeInfo"] not in (None, {}, []):
        r = obj(body["routeInfo"], "routeInfo")
        if r.get("destination") in ("", None) and r.get("routeGateway") in ("", None) and not r.get("genmask"):
            out["routeInfo"] = []
        else:
            dest = _ip(r.get("destination"), "10506004", "routeInfo.destination")
            mask = as_int(r.get("genmask"), "genmask", 1, 31, code="10506005")
            gw = _ip(r.get("routeGateway"), "10506011", "routeInfo.routeGateway")
            out["routeInfo"] = [{"destination": dest, "genmask": mask, "routeGateway": gw}]
    if "switchType" in body:
        out["switchType"] = as_int(body["switchType"], "switchType", 0, 1)
    _shaping(body, out, cur)
    return out


def _shaping(body, out, cur):
    if "txLimit" in body:
        out["txLimit"] = as_int(body["txLimit"], "txLimit", 0 if cur else 1, MAX_MBIT, code="10540520")
    limit = out.get("txLimit", cur.get("txLimit", 0))
    for f, code, lo in (("txPeakLimit", "10504021", None), ("txBurstSize", "10504022", 1)):
        if f not in body:
            continue
        if not limit:
            raise VrmError("10504027", "%s needs txLimit (the average) first." % f)
        val = as_int(body[f], f, code=code)
        if not (lo or limit) <= val <= MAX_MBIT:
            raise VrmError(code, "%s must be from %d to %d." % (f, lo or limit, MAX_MBIT))
        out[f] = val
    if limit:
        # peak and burst default to the average; an average above the peak raises the peak with it
        peak = out.get("txPeakLimit", cur.get("txPeakLimit") or 0)
        if "txPeakLimit" in out and peak < limit:
            raise VrmError("10504021", "txPeakLimit must be at least txLimit and at most 10000.")
        out["txPeakLimit"] = max(peak, limit)
        out.setdefault("txBurstSize", cur.get("txBurstSize") or out["txPeakLimit"])
    elif "txLimit" in out:
        out.update(txPeakLimit=0, txBurstSize=0)


def _check_plane(engine, host, rec_urn, merged, port):
    """The rules between a host's interfaces (FC8DOC 5.3.1): names, VLANs, addresses, subnets, switches."""
    others = [i for i in _intfs_of(engine, host.urn) if i.urn != rec_urn]
    t = merged["type"]
    if any(i.data["name"] == merged["name"] for i in others):
        raise VrmError("10540433", "A system interface named %s already exists on host %s." % (
            merged["name"], host.data["name"]))
    if port is not None and merged["vlanId"] == 0 and any(
            i.data["portUrn"] == port.urn and i.data["vlanId"] == 0 for i in others):
        raise VrmError("10540435", "The port %s already carries a system interface without a VLAN tag (VLAN 0)."
                       % port.data["name"])
    if merged["vlanId"] and any(i.data["vlanId"] == merged["vlanId"] for i in others):
        raise VrmError("10540509", "VLAN %d is used by another system interface of host %s." % (
            merged["vlanId"], host.data["name"]))
    if t == 1 and merged["option"]:
        raise VrmError("10506002", "A storage interface carries no migration, HA or DR traffic.")
    if t == 2 and merged["gateway"]:
        raise VrmError("10506009", "A service interface has no gateway.")
    if t == 2 and merged["routeInfo"]:
        raise VrmError("10506010", "A service interface has no routes.")
    if t == 1 and merged["gateway"]:
        raise VrmError("10540431", "A storage interface has no gateway.")
    if "migrate" in merged["option"] and any("migrate" in i.data["option"] for i in others):
        raise VrmError("10506013", "Another service interface of host %s already carries migration traffic."
                       % host.data["name"])
    addr = merged["netAddr"]
    for i in engine.all(INTF):
        if i.urn != rec_urn and addr and i.data["netAddr"] == addr:
            owner = engine.find(i.sim["host"], "hosts")
            raise VrmError("10506008", "The address %s is used by the system interface %s of host %s." % (
                addr, i.data["name"], owner.data["name"] if owner else i.sim["host"]))
    if addr:
        net = ipaddress.IPv4Network("%s/%d" % (addr, merged["netMask"]), strict=False)
        for i in others:
            if i.data["netAddr"] and ipaddress.IPv4Address(i.data["netAddr"]) in net:
                raise VrmError("10506044", "%s/%d is in the subnet of the interface %s (%s) of the same host." % (
                    addr, merged["netMask"], i.data["name"], i.data["netAddr"]))


def _port_of(engine, host, urn):
    """The uplink port or bond a system interface goes on (FC8DOC: portUrn is either)."""
    if not isinstance(urn, str) or not urn:
        raise VrmError("10540523", "portUrn is required: the NIC or bond the interface goes on.")
    if ":%s:" % AGGR in urn:
        rec = engine.find(urn, AGGR)
        if rec is None or rec.sim.get("host") != host.urn:
            raise VrmError("10540417", "The bond %s does not belong to host %s." % (urn, host.data["name"]))
        return rec
    rec = engine.find(urn, "uplinkports")
    if rec is None or rec.sim.get("host") != host.urn:
        raise VrmError("10540013", "The NIC %s does not exist on host %s." % (urn, host.data["name"]))
    if rec.data["uplinkPortAggrUrn"]:
        raise VrmError("10540014", "The NIC %s is a member of a bond; put the interface on the bond." %
                       rec.data["name"])
    if rec.data["dvSwitchUrn"]:
        raise VrmError("10540014", "The NIC %s is an uplink of a DVS." % rec.data["name"])
    return rec


# -- bonds ----------------------------------------------------------------------------------------

@route("POST", "/service/sites/{site}/hosts/{id}/uplinkportaggrs")
def create_aggr(engine, req):
    """Bond NICs of a host (task CreateUplinkPortAggr + urn/uri)."""
    host = _host(engine, req)
    body = req.json()
    name = _bond_name(engine, host, body.get("name"))
    description = as_str(body.get("description"), "description", 0, 1024, default="", code="10540522")
    strategy = _strategy(body.get("strategy"))
    urns = lst(body.get("uplinkPortUrns"), "uplinkPortUrns")
    if not 1 <= len(urns) <= MAX_BOND_PORTS:
        raise VrmError("10540404", "A bond has 1 to 8 NICs.")
    ports = _free_ports(engine, host, urns)
    _same_speed(ports)
    rec = _bond(engine, host, name, strategy, ports, description)
    rec.data["status"] = 1     # down until the host has made it
    task = engine.start_task("CreateUplinkPortAggr", rec.urn, name, done=("aggr_up", {}),
                             fail=("aggr_undo", {}), user=req.session["user"])
    return engine.task_ref(task, {"urn": rec.urn, "uri": rec.data["uri"]})


@handler("aggr_up")
def _aggr_up(engine, task):
    rec = engine.find(task.data["entityUrn"], AGGR)
    if rec is not None:
        rec.data["status"] = 0
        engine.touch(rec)


@handler("aggr_undo")
def _aggr_undo(engine, task):
    rec = engine.find(task.data["entityUrn"], AGGR)
    if rec is None:
        return
    for p in _members(engine, rec):
        _leave(engine, rec, p)
    engine.remove(rec.urn)


def _aggr_view(engine, rec):
    out = dict(rec.data)
    out["uplinkPorts"] = [_member_view(p) for p in _members(engine, rec)]
    return out


def _aggr_used(engine, rec):
    return bool(rec.data["dvSwitchUrn"]) or any(i.data["portUrn"] == rec.urn for i in engine.all(INTF))


@route("GET", "/service/sites/{site}/hosts/{id}/uplinkportaggrs")
def list_aggrs(engine, req):
    """The bonds of a host ({total, uplinkPortAggrs}; isUsed=used|unused)."""
    host = _host(engine, req)
    used = req.q("isUsed")
    if used not in (None, "", "used", "unused"):
        raise VrmError("10540303", "isUsed must be used or unused.")
    out = [_aggr_view(engine, a) for a in _aggrs_of(engine, host.urn)
           if not used or (used == "used") == _aggr_used(engine, a)]
    return {"total": len(out), "uplinkPortAggrs": out}


@route("GET", "/service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}")
def get_aggr(engine, req):
    """A bond of a host."""
    host = _host(engine, req)
    return _aggr_view(engine, _aggr(engine, host, req.params["aggr"]))


@route("PUT", "/service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}")
def modify_aggr(engine, req):
    """Rename a bond, change its mode, add NICs or remove one (task UpdateUplinkPortAggr; none for name and
    description alone)."""
    host = _host(engine, req)
    rec = _aggr(engine, host, req.params["aggr"])
    body = req.json()
    if not any(k in body for k in ("name", "description", "strategy", "uplinkPortUrns", "operator")):
        raise VrmError("10540415", "The update names nothing to change.")
    fields = {}
    if "name" in body:
        fields["name"] = _bond_name(engine, host, body["name"], own=rec)
        if rec.data["name"] == MGMT_AGGR and fields["name"] != MGMT_AGGR:
            raise VrmError("10540410", "The management bond keeps its name %s." % MGMT_AGGR)
    if "description" in body:
        fields["description"] = as_str(body["description"], "description", 0, 1024, code="10540522")
    if "strategy" in body:
        fields["strategy"] = _strategy(body["strategy"])
    has_ports, has_op = "uplinkPortUrns" in body, "operator" in body
    if has_ports != has_op:
        raise VrmError("10540418", "uplinkPortUrns and operator go together.")
    change = None
    if has_op:
        op = body["operator"]
        urns = lst(body["uplinkPortUrns"], "uplinkPortUrns")
        if op not in ("add", "delete"):
            raise VrmError("10540408", "operator must be add or delete.")
        if op == "add":
            if not urns:
                raise VrmError("10540421", "Adding to a bond needs at least one NIC.")
            ports = _free_ports(engine, host, urns, aggr=None)
            if len(rec.data["uplinkPorts"]) + len(ports) > MAX_BOND_PORTS:
                raise VrmError("10540404", "A bond has 1 to 8 NICs.")
            _same_speed(ports + _members(engine, rec))
            change = ("add", [p.urn for p in ports])
        else:
            if len(urns) != 1:
                raise VrmError("10540419", "A bond loses one NIC at a time.")
            members = [m["urn"] for m in rec.data["uplinkPorts"]]
            if urns[0] not in members:
                raise VrmError("10540413", "The NIC %s is not a member of the bond %s." % (urns[0], rec.data["name"]))
            if len(members) == 1:
                raise VrmError("10540420", "A bond keeps at least one NIC.")
            if rec.data["name"] == MGMT_AGGR and urns[0] == members[0]:
                raise VrmError("10540414", "The first NIC of the management bond cannot be removed.")
            change = ("delete", urns)
    if change is None and "strategy" not in fields:
        rec.data.update(fields)
        engine.touch(rec)
        return {}
    task = engine.start_task("UpdateUplinkPortAggr", rec.urn, rec.data["name"],
                             done=("aggr_update", {"fields": fields, "change": change}), user=req.session["user"])
    return engine.task_ref(task)


@handler("aggr_update")
def _aggr_update(engine, task, fields, change):
    rec = engine.find(task.data["entityUrn"], AGGR)
    if rec is None:
        return
    rec.data.update(fields)
    if change:
        op, urns = change
        ports = [engine.get(u, "uplinkports") for u in urns]
        if op == "add":
            _join(engine, rec, ports)
        else:
            _leave(engine, rec, ports[0])
    engine.touch(rec)


@route("DELETE", "/service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}")
def delete_aggr(engine, req):
    """Delete a bond (task DeleteUplinkPortAggr); refused while a DVS or a system interface uses it."""
    host = _host(engine, req)
    rec = _aggr(engine, host, req.params["aggr"])
    if _aggr_used(engine, rec):
        raise VrmError("10540017", "The bond %s is used by a DVS or a system interface." % rec.data["name"])
    task = engine.start_task("DeleteUplinkPortAggr", rec.urn, rec.data["name"], done=("aggr_undo", {}),
                             user=req.session["user"])
    return engine.task_ref(task)


# -- system interfaces ----------------------------------------------------------------------------

INTF_TASKS = {0: "MgntSystemIntf", 1: "IscsiSystemIntf", 2: "ServiceSystemIntf"}


@route("POST", "/service/sites/{site}/hosts/{id}/systemintfs")
def create_intf(engine, req):
    """Create a storage (type 1) or service (type 2) interface (task CreateIscsiSystemIntf or
    CreateServiceSystemIntf + urn/uri)."""
    host = _host(engine, req)
    body = req.json()
    t = as_int(body.get("type"), "type", 1, 2, default=None)
    if t is None:
        raise VrmError("10000001", "type is required: 1 (storage) or 2 (service); the management interface "
                                   "comes with the host.")
    if "name" not in body:
        raise VrmError("10540521", "name is required.")
    port = _port_of(engine, host, body.get("portUrn"))
    if "netAddr" not in body or "netMask" not in body:
        raise VrmError("10500004", "netAddr and netMask are required on an IPv4 site.")
    fields = _intf_fields(engine, host, body)
    merged = {"type": t, "vlanId": 0, "gateway": "", "option": [], "routeInfo": []}
    merged.update(fields)
    others = [i for i in _intfs_of(engine, host.urn) if i.data["type"] == t]
    if t == 1 and len(others) >= MAX_STORAGE_INTFS:
        raise VrmError("10540524", "A host has at most 16 storage interfaces.")
    if t == 2 and len(others) >= MAX_SERVICE_INTFS:
        raise VrmError("10506001", "A host has at most %d service interfaces." % MAX_SERVICE_INTFS)
    _check_plane(engine, host, None, merged, port)
    rec = _intf(engine, host, merged, port)
    rec.sim["creating"] = True
    task = engine.start_task("Create" + INTF_TASKS[t], rec.urn, merged["name"], done=("intf_made", {}),
                             fail=("intf_gone", {}), user=req.session["user"])
    return engine.task_ref(task, {"urn": rec.urn, "uri": rec.data["uri"]})


@handler("intf_made")
def _intf_made(engine, task):
    rec = engine.find(task.data["entityUrn"], INTF)
    if rec is not None:
        rec.sim.pop("creating", None)
        engine.touch(rec)


@handler("intf_gone")
def _intf_gone(engine, task):
    if engine.find(task.data["entityUrn"], INTF) is not None:
        engine.remove(task.data["entityUrn"])


@route("GET", "/service/sites/{site}/hosts/{id}/systemintfs")
def list_intfs(engine, req):
    """The system interfaces of a host ({systemIntfs})."""
    host = _host(engine, req)
    return {"systemIntfs": [dict(i.data) for i in sorted(_intfs_of(engine, host.urn),
                                                         key=lambda i: int(i.urn.rsplit(":", 1)[1]))]}


@route("GET", "/service/sites/{site}/hosts/{id}/systemintfs/{intf}")
def get_intf(engine, req):
    """A system interface of a host."""
    host = _host(engine, req)
    return dict(_intf_rec(engine, host, req.params["intf"]).data)


@route("PUT", "/service/sites/{site}/hosts/{id}/systemintfs/{intf}")
def modify_intf(engine, req):
    """Update a system interface: address, VLAN, bandwidth, switches (task Update*SystemIntf; none when only the
    name or description change)."""
    host = _host(engine, req)
    rec = _intf_rec(engine, host, req.params["intf"])
    body = req.json()
    keys = ("name", "description", "netAddr", "netMask", "vlanId", "txLimit", "txPeakLimit", "txBurstSize",
            "gateway", "option", "routeInfo", "switchType")
    if not any(k in body for k in keys):
        raise VrmError("10540415", "The update names nothing to change.")
    t = rec.data["type"]
    if t == 0 and "vlanId" in body and body["vlanId"] != rec.data["vlanId"]:
        raise VrmError("10506040", "The VLAN of the management interface cannot be changed here (it has its own "
                                   "operation, 5.7.2).")
    fields = _intf_fields(engine, host, body, rec)
    if fields.get("name") == "":
        fields.pop("name")
    merged = dict(rec.data)
    merged.update(fields)
    _check_plane(engine, host, rec.urn, merged, None)
    if set(fields) <= {"name", "description"}:
        rec.data.update(fields)
        engine.touch(rec)
        return {}
    task = engine.start_task("Update" + INTF_TASKS[t], rec.urn, rec.data["name"],
                             done=("intf_update", {"fields": fields}), user=req.session["user"])
    return engine.task_ref(task)


@handler("intf_update")
def _intf_update(engine, task, fields):
    rec = engine.find(task.data["entityUrn"], INTF)
    if rec is not None:
        rec.data.update(fields)
        engine.touch(rec)


@route("DELETE", "/service/sites/{site}/hosts/{id}/systemintfs/{intf}")
def delete_intf(engine, req):
    """Delete a storage or service interface (task Delete*SystemIntf); the management one stays (10540506)."""
    host = _host(engine, req)
    rec = _intf_rec(engine, host, req.params["intf"])
    if rec.data["type"] == 0:
        raise VrmError("10540506", "The management interface cannot be deleted.")
    task = engine.start_task("Delete" + INTF_TASKS[rec.data["type"]], rec.urn, rec.data["name"],
                             done=("intf_gone", {}), user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/systemInfs")
def query_site_intfs(engine, req):
    """The system interfaces of the site, paged ({total, systemIntfs}; body limit, offset, hosturns, type,
    option). The path is spelt as FC8DOC 5.3.6 spells it."""
    site_check(engine, req)
    body = req.json()
    limit = as_int(body.get("limit"), "limit", 1, 100, default=100, code="10000013")
    offset = as_int(body.get("offset"), "offset", 0, default=0, code="10000016")
    hosts = lst(body.get("hosturns"), "hosturns")
    if len(hosts) > 100:
        raise VrmError("10000001", "hosturns lists at most 100 hosts.")
    t = as_int(body.get("type"), "type", 0, 2, default=None)
    option = body.get("option")
    out = []
    for i in sorted(engine.all(INTF), key=lambda r: r.urn):
        if hosts and i.sim["host"] not in hosts or t is not None and i.data["type"] != t:
            continue
        if option and option not in i.data["option"]:
            continue
        item = dict(i.data)
        h = engine.find(i.sim["host"], "hosts")
        item.update(hostUrn=i.sim["host"], hostName=h.data["name"] if h else "")
        out.append(item)
    return {"total": len(out), "systemIntfs": out[offset:offset + limit]}


def cleanup_host(engine, host_urn):
    """A removed host's bonds and interfaces go with it."""
    for rec in _intfs_of(engine, host_urn) + _aggrs_of(engine, host_urn):
        engine.remove(rec.urn)

"""Distributed virtual switches, uplink ports and port groups."""

from vrmsim.engine import renderer


@renderer("dvswitchs")
def render_dvs(engine, rec, view):
    out = dict(rec.data)
    pgs = [p for p in engine.all("portgroups") if p.urn.startswith(rec.urn + ":")]
    out["portGroupNum"] = len(pgs)
    if view == "list":
        for k in ("hostPortSet", "vlanPoolSet", "vxlanPoolSet", "usedVspNum", "totalVspNum"):
            out.pop(k, None)
    return out


def new_dvs(engine, name, mtu=1500, dvs_type=0, description="", vlan_pools=None):
    urn = engine.new_urn("dvswitchs")
    return engine.add("dvswitchs", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description, "type": dvs_type,
        "isIgmpSnooping": False, "qosType": 0, "mtu": mtu, "params": {"physnetName": ""},
        "hostPortSet": [], "vlanPoolSet": list(vlan_pools or [{"startVlanId": 1, "endVlanId": 4094}]),
        "vxlanPoolSet": [], "usedVspNum": 0, "totalVspNum": 4096})


def new_uplinkport(engine, host_urn, name, mac):
    urn = engine.new_urn("uplinkports", parent=host_urn)
    return engine.add("uplinkports", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "uplinkPortAggrUrn": "", "dvSwitchUrn": "", "name": name,
        "bindStatus": "unbind", "nicType": "normal", "description": "", "mac": mac, "speed": 10000,
        "duplex": 0, "mtu": 1500, "status": 0, "function": "", "nicId": name, "enableLLDP": False,
        "driverMode": "kernel"}, {"host": host_urn})


def new_portgroup(engine, dvs_urn, name, vlan_id=0, port_type=0, vlan_range="", description=""):
    urn = engine.new_urn("portgroups", parent=dvs_urn)
    return engine.add("portgroups", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description, "portType": port_type,
        "vlanId": vlan_id if port_type == 0 else 0, "vlanRange": vlan_range if port_type == 1 else "",
        "vlanType": 0, "txLimit": 0, "txPeakLimit": 0, "txBurstSize": 0, "txWeight": 0, "txReserve": 0,
        "priority": 0, "rxLimit": 0, "rxPeakLimit": 0, "rxBurstSize": 0, "isIpMacBind": False,
        "isDhcpIsolation": False, "isCalcTCPCheckSum": False, "isQinQEnable": False, "arpBcstSuppress": 0,
        "ipBcstSuppress": 0, "multicastIp": "", "isEnablePG": True, "params": {}})


# =============================================================================================
# Routes

import re  # noqa: E402

from vrmsim.common import as_bool, as_int, as_str, fuzzy, lst, nonempty_filter, obj, page, site_check  # noqa: E402
from vrmsim.engine import handler  # noqa: E402
from vrmsim.errors import VrmError  # noqa: E402
from vrmsim.routes import route  # noqa: E402

MAX_DVS = 100
QOS_FIELDS = ("txLimit", "txPeakLimit", "txBurstSize", "rxLimit", "rxPeakLimit", "rxBurstSize", "txWeight",
              "txReserve", "priority")
# network I/O control per port group: shares 1-100, reservation 1-10000 Mbit/s (FC8DOC 5.5.1; 0 = none)
QOS_RANGES = {"priority": ((2, 7), "10540511"), "txBurstSize": ((0, 100000), "10504022"),
              "rxBurstSize": ((0, 100000), "10504022"), "txWeight": ((0, 100), "10540520"),
              "txReserve": ((0, 10000), "10540520")}
RANGE_RE = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def _dvs(engine, req):
    urn = "%s:dvswitchs:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "dvswitchs")
    if rec is None:
        raise VrmError("10540010", "The DVS %s does not exist." % urn)
    return rec


def _pgs_of(engine, dvs_urn):
    return [p for p in engine.all("portgroups") if p.urn.startswith(dvs_urn + ":portgroups:")]


def _nics_on(engine, pg_urns):
    out = []
    for vm in engine.all("vms"):
        for n in vm.data["vmConfig"]["nics"]:
            if n["portGroupUrn"] in pg_urns:
                out.append((vm, n))
    return out


def _mtu(value):
    if value is None:
        return None
    val = as_int(value, "mtu", code="10540048")
    if val in (0, 1500):
        return 1500
    if val in (1, 9000):
        return 9000
    raise VrmError("10540048", "mtu must be 0 (1500) or 1 (9000), or 1500/9000.")


def _vlan_pools(value, required=False):
    if required and not value:
        raise VrmError("10540004", "vlanPoolSet must list at least one VLAN pool.")
    pools = []
    for p in lst(value, "vlanPoolSet"):
        p = obj(p, "vlanPoolSet[]")
        a = as_int(p.get("startVlanId"), "startVlanId", 1, 4094, code="10504009")
        b = as_int(p.get("endVlanId"), "endVlanId", 1, 4094, code="10504009")
        if a > b:
            raise VrmError("10504009", "startVlanId must not exceed endVlanId.")
        pools.append({"startVlanId": a, "endVlanId": b})
    return pools


def _host_ports(engine, value, dvs_urn=None):
    out = []
    for hp in lst(value, "hostPortSet"):
        hp = obj(hp, "hostPortSet[]")
        host = engine.get(hp.get("hostUrn") or "", "hosts")
        if not hp.get("portUrn"):
            raise VrmError("10540011", "hostPortSet[].portUrn is required.")
        port = engine.find(hp["portUrn"], "uplinkports")
        if port is None or port.sim.get("host") != host.urn:
            raise VrmError("10000008", "The uplink port %s does not exist on host %s." % (
                hp.get("portUrn"), host.data["name"]))
        if port.data.get("dvSwitchUrn") and port.data["dvSwitchUrn"] != dvs_urn:
            raise VrmError("10000009", "The uplink port %s is already used by another DVS." % port.data["name"])
        if port.data.get("uplinkPortAggrUrn"):
            raise VrmError("10540014", "The uplink port %s is a member of a bond." % port.data["name"])
        out.append((host, port))
    return out


def _bind(engine, dvs, pairs):
    for host, port in pairs:
        if any(hp["portUrn"] == port.urn for hp in dvs.data["hostPortSet"]):
            continue
        port.data["dvSwitchUrn"] = dvs.urn
        port.data["bindStatus"] = "bind"
        engine.touch(port)
        dvs.data["hostPortSet"].append({"hostUrn": host.urn, "portUrn": port.urn, "portName": port.data["name"],
                                        "hostName": host.data["name"], "status": 0})
    engine.touch(dvs)


@route("GET", "/service/sites/{site}/dvswitchs")
def list_dvs(engine, req):
    """List DVSs ({dvSwitchs}, no paging; name fuzzy, location cluster or host URN)."""
    site_check(engine, req)
    name = nonempty_filter(req, "name")
    loc = req.q("location")
    out = []
    for d in engine.all("dvswitchs"):
        if name is not None and not fuzzy(d.data["name"], name):
            continue
        if loc:
            hosts = {hp["hostUrn"] for hp in d.data["hostPortSet"]}
            if ":hosts:" in loc and loc not in hosts:
                continue
            if ":clusters:" in loc and not any(engine.find(h, "hosts") and
                                               engine.find(h, "hosts").data.get("clusterUrn") == loc for h in hosts):
                continue
        out.append(engine.render(d, "list"))
    return {"dvSwitchs": out}


@route("POST", "/service/sites/{site}/dvswitchs")
def create_dvs(engine, req):
    """Create a DVS (synchronous {urn, uri})."""
    site_check(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True, code="10540521")
    if any(d.data["name"] == name for d in engine.all("dvswitchs")):
        raise VrmError("10540041", "A DVS named %s already exists." % name)
    if len(engine.all("dvswitchs")) >= MAX_DVS:
        raise VrmError("10540012", "A site has at most %d DVSs." % MAX_DVS)
    dtype = as_int(body.get("type"), "type", default=0)
    if dtype not in (0, 2, 4):
        raise VrmError("10000001", "type must be 0 (vSwitch), 2 (SR-IOV) or 4 (user mode).")
    pools = _vlan_pools(body.get("vlanPoolSet")) if "vlanPoolSet" in body else None
    pairs = _host_ports(engine, body.get("hostPortSet"))
    dvs = new_dvs(engine, name, mtu=_mtu(body.get("mtu")) or 1500, dvs_type=dtype,
                  description=as_str(body.get("description"), "description", 0, 1024, default="", code="10540522"),
                  vlan_pools=pools)
    dvs.data["isIgmpSnooping"] = as_bool(body.get("isIgmpSnooping"), "isIgmpSnooping", False)
    if "physnetName" in body:
        dvs.data["params"]["physnetName"] = as_str(body["physnetName"], "physnetName", 0, 64)
    _bind(engine, dvs, pairs)
    return {"urn": dvs.urn, "uri": dvs.data["uri"]}


@route("GET", "/service/sites/{site}/dvswitchs/{id}")
def get_dvs(engine, req):
    """Get a DVS with its uplinks and VLAN pools."""
    site_check(engine, req)
    return engine.render(_dvs(engine, req))


@route("PUT", "/service/sites/{site}/dvswitchs/{id}")
def modify_dvs(engine, req):
    """Modify name, description, IGMP snooping, MTU (synchronous, 200 without a body)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    body = req.json()
    if "name" in body:
        name = as_str(body["name"], "name", 1, 256, code="10540521")
        if any(d.data["name"] == name and d.urn != dvs.urn for d in engine.all("dvswitchs")):
            raise VrmError("10540041", "A DVS named %s already exists." % name)
        dvs.data["name"] = name
    if "description" in body:
        dvs.data["description"] = as_str(body["description"], "description", 0, 1024, code="10540522")
    if "isIgmpSnooping" in body:
        dvs.data["isIgmpSnooping"] = as_bool(body["isIgmpSnooping"], "isIgmpSnooping")
    if "mtu" in body:
        dvs.data["mtu"] = _mtu(body["mtu"])
    if "qosType" in body:
        dvs.data["qosType"] = as_int(body["qosType"], "qosType", 0, 1)
    engine.touch(dvs)
    return None


@route("DELETE", "/service/sites/{site}/dvswitchs/{id}")
def delete_dvs(engine, req):
    """Delete a DVS (synchronous); refused while it has port groups (10540022)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    pgs = _pgs_of(engine, dvs.urn)
    if pgs:
        raise VrmError("10540022", "The DVS still has port groups (%s); delete them first." % ", ".join(
            sorted(p.data["name"] for p in pgs)))
    for hp in dvs.data["hostPortSet"]:
        port = engine.find(hp["portUrn"], "uplinkports")
        if port is not None:
            port.data.update(dvSwitchUrn="", bindStatus="unbind")
            engine.touch(port)
    engine.remove(dvs.urn)
    return None


@route("POST", "/service/sites/{site}/dvswitchs/{id}/action/addhost")
def dvs_addhost(engine, req):
    """Add host uplinks to a DVS (synchronous)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    pairs = _host_ports(engine, req.json().get("hostPortSet"), dvs.urn)
    if not pairs:
        raise VrmError("10540011", "hostPortSet must list at least one {hostUrn, portUrn}.")
    _bind(engine, dvs, pairs)
    return None


@route("POST", "/service/sites/{site}/dvswitchs/{id}/action/delhost")
def dvs_delhost(engine, req):
    """Remove host uplinks from a DVS (synchronous); refused for hosts running VMs on it."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    items = lst(req.json().get("hostPortSet"), "hostPortSet")
    pg_urns = {p.urn for p in _pgs_of(engine, dvs.urn)}
    remove = set()
    for hp in items:
        hp = obj(hp, "hostPortSet[]")
        match = [x for x in dvs.data["hostPortSet"] if x["hostUrn"] == hp.get("hostUrn") and
                 (not hp.get("portUrn") or x["portUrn"] == hp.get("portUrn"))]
        if not match:
            raise VrmError("10540023", "The DVS has no uplink %s on host %s." % (hp.get("portUrn"), hp.get("hostUrn")))
        for x in match:
            remaining = [y for y in dvs.data["hostPortSet"] if y["hostUrn"] == x["hostUrn"] and
                         y["portUrn"] not in remove and y["portUrn"] != x["portUrn"]]
            if not remaining:
                busy = [vm for vm, _n in _nics_on(engine, pg_urns) if vm.sim.get("host") == x["hostUrn"] and
                        vm.data["status"] in ("running", "pause", "migrating", "starting")]
                if busy:
                    raise VrmError("10540019", "Host %s runs VMs on this DVS (%s); it cannot leave it." % (
                        x["hostName"], ", ".join(sorted(v.data["name"] for v in busy))))
            remove.add(x["portUrn"])
    for x in list(dvs.data["hostPortSet"]):
        if x["portUrn"] in remove:
            port = engine.find(x["portUrn"], "uplinkports")
            if port is not None:
                port.data.update(dvSwitchUrn="", bindStatus="unbind")
                engine.touch(port)
    dvs.data["hostPortSet"] = [x for x in dvs.data["hostPortSet"] if x["portUrn"] not in remove]
    engine.touch(dvs)
    return None


@route("POST", "/service/sites/{site}/dvswitchs/{id}/action/addvlanpool")
def dvs_addvlanpool(engine, req):
    """Add VLAN pools (synchronous)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    pools = _vlan_pools(req.json().get("vlanPoolSet"), required=True)
    dvs.data["vlanPoolSet"] += [p for p in pools if p not in dvs.data["vlanPoolSet"]]
    engine.touch(dvs)
    return None


@route("POST", "/service/sites/{site}/dvswitchs/{id}/action/delvlanpool")
def dvs_delvlanpool(engine, req):
    """Remove VLAN pools (task)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    pools = _vlan_pools(req.json().get("vlanPoolSet"), required=True)
    dvs.data["vlanPoolSet"] = [p for p in dvs.data["vlanPoolSet"] if p not in pools]
    engine.touch(dvs)
    task = engine.start_task("DeleteVlanPoolTask", dvs.urn, dvs.data["name"], user=req.session["user"])
    return engine.task_ref(task)


@route("GET", "/service/sites/{site}/hosts/{id}/uplinkports")
def list_uplinkports(engine, req):
    """Uplink ports of a host ({uplinkPorts}; isUsed, bindStatus filters)."""
    site_check(engine, req)
    host = engine.get("%s:hosts:%s" % (engine.site_urn, req.params["id"]), "hosts")
    used = req.q("isUsed")
    bind = req.q("bindStatus")
    out = []
    for p in engine.all("uplinkports"):
        if p.sim.get("host") != host.urn:
            continue
        if used == "used" and not p.data["dvSwitchUrn"] or used == "unused" and p.data["dvSwitchUrn"]:
            continue
        if bind and p.data["bindStatus"] != bind:
            continue
        out.append(dict(p.data))
    return {"uplinkPorts": out}


# -- port groups --------------------------------------------------------------------------------

def parse_ranges(text):
    if not isinstance(text, str) or not RANGE_RE.match(text.replace(" ", "")) or len(text) > 2047:
        raise VrmError("10504009", "vlanRange must look like 10-20,30 with VLANs 1-4094.")
    out = []
    for part in text.replace(" ", "").split(","):
        a, _, b = part.partition("-")
        a = int(a)
        b = int(b) if b else a
        if not (1 <= a <= 4094 and 1 <= b <= 4094) or a > b:
            raise VrmError("10504009", "VLAN range %s is outside 1-4094 or reversed." % part)
        out.append((a, b))
    return out


def _pg_fields(body, current=None, dvs_type=0):
    cur = current or {}
    out = {}
    if "portType" in body:
        out["portType"] = as_int(body["portType"], "portType", 0, 1)
    ptype = out.get("portType", cur.get("portType", 0))
    if "vlanId" in body:
        vid = as_int(body["vlanId"], "vlanId", code="10504009")
        if not 0 <= vid <= 4094:
            raise VrmError("10504009", "The VLAN ID must be between 0 and 4094.")
        out["vlanId"] = vid
    if "vlanRange" in body and body["vlanRange"] not in (None, ""):
        parse_ranges(body["vlanRange"])
        out["vlanRange"] = body["vlanRange"].replace(" ", "")
    if ptype == 1 and not out.get("vlanRange", cur.get("vlanRange")):
        raise VrmError("10504014", "A trunk port group (portType 1) needs vlanRange.")
    if ptype == 1:
        out["vlanId"] = 0
    if ptype == 0 and "portType" in out:
        out["vlanRange"] = ""
    for f in QOS_FIELDS:
        if f in body:
            # FC8DOC codes: priority 10540511, burst 10504022, other bandwidths 10540520
            (lo, hi), code = QOS_RANGES.get(f, ((0, 100000), "10540520"))
            val = as_int(body[f], f, code=code)
            if f == "priority" and val == 0:
                out[f] = 0
                continue
            if not lo <= val <= hi:
                raise VrmError(code, "%s must be between %d and %d." % (f, lo, hi))
            out[f] = val
    if out.get("priority", cur.get("priority")) and not out.get("txLimit", cur.get("txLimit")):
        raise VrmError("10504023", "priority needs txLimit (the outbound average).")
    for d in ("tx", "rx"):
        avg = out.get(d + "Limit", cur.get(d + "Limit", 0))
        if avg:
            # Peak and burst default to the average when only the average is given.
            for f in (d + "PeakLimit", d + "BurstSize"):
                if not out.get(f, cur.get(f, 0)):
                    out[f] = avg
            if out.get(d + "PeakLimit", cur.get(d + "PeakLimit", 0)) < avg:
                raise VrmError("10504021", "%sPeakLimit must be at least %sLimit." % (d, d))
        elif out.get(d + "PeakLimit") or out.get(d + "BurstSize"):
            raise VrmError("10504027", "%sPeakLimit and %sBurstSize need %sLimit (the average)." % (d, d, d))
    reserve, limit = out.get("txReserve", cur.get("txReserve", 0)), out.get("txLimit", cur.get("txLimit", 0))
    if reserve and limit and reserve > limit:
        raise VrmError("10540520", "txReserve (%d) must not exceed txLimit (%d)." % (reserve, limit))
    for f in ("isDhcpIsolation", "isIpMacBind", "isCalcTCPCheckSum", "isQinQEnable"):
        if f in body:
            out[f] = as_bool(body[f], f)
    for f in ("arpBcstSuppress", "ipBcstSuppress"):
        if f in body:
            out[f] = as_int(body[f], f, 0, 5000, code="10504026")
    _pg_security(out, cur, ptype, dvs_type)
    if "description" in body:
        out["description"] = as_str(body["description"], "description", 0, 1024, code="10540522")
    return out


def _in_pools(dvs, fields):
    """An access port group's VLAN (1-4094) lies in a VLAN pool of its DVS (FC8DOC 10540105)."""
    vid = fields.get("vlanId")
    if vid and not any(p["startVlanId"] <= vid <= p["endVlanId"] for p in dvs.data["vlanPoolSet"]):
        raise VrmError("10540105", "VLAN %d is outside the VLAN pools of the DVS %s." % (vid, dvs.data["name"]))


def _pg_security(out, cur, ptype, dvs_type):
    """IP/MAC binding, DHCP isolation and broadcast suppression against the port and switch type (FC8DOC ch5)."""
    def value(f):
        return out.get(f, cur.get(f))
    if value("isIpMacBind") and ptype == 1:
        raise VrmError("10504016", "A trunk port group cannot have IP-MAC binding.")
    if value("isIpMacBind") and "isIpMacBind" in out and dvs_type in (2, 4):
        raise VrmError("10504042", "Port groups of an SR-IOV or user-mode DVS do not allow IP-MAC binding.")
    if dvs_type == 2 and any(out.get(f) for f in ("isDhcpIsolation", "ipBcstSuppress", "isQinQEnable")):
        raise VrmError("10504025", "An SR-IOV DVS supports neither DHCP isolation, broadcast suppression nor "
                                   "VLAN passthrough.")


def _dvs_type_of(engine, pg_urn):
    dvs = engine.find(pg_urn.split(":portgroups:")[0], "dvswitchs")
    return dvs.data.get("type", 0) if dvs else 0


def _pg(engine, req):
    """The port group of the path: 10540010 without the DVS, 10540108 when it is another DVS's (FC8DOC)."""
    dvs = _dvs(engine, req)
    urn = "%s:portgroups:%s" % (dvs.urn, req.params["pg"])
    rec = engine.find(urn, "portgroups")
    if rec is None:
        if any(p.urn.endswith(":portgroups:" + req.params["pg"]) for p in engine.all("portgroups")):
            raise VrmError("10540108", "The port group %s does not belong to the DVS %s." % (
                req.params["pg"], dvs.data["name"]))
        raise VrmError("10540107", "The port group %s does not exist." % urn)
    return rec


@renderer("portgroups")
def render_pg(engine, rec, view):
    out = dict(rec.data)
    out["vspNum"] = len(_nics_on(engine, {rec.urn}))
    return out


@route("GET", "/service/sites/{site}/dvswitchs/{id}/portgroups")
def list_pgs(engine, req):
    """Port groups of a DVS (paging; portGroupName fuzzy, vlan)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    name = req.q("portGroupName")
    vlan = req.q("vlan")
    out = []
    for p in _pgs_of(engine, dvs.urn):
        if name and not fuzzy(p.data["name"], name):
            continue
        if vlan and vlan not in str(p.data.get("vlanId")) and vlan not in p.data.get("vlanRange", ""):
            continue
        out.append(p)
    res = page(out, req, "portGroups", all_when_absent=False)
    res["portGroups"] = [engine.render(p) for p in res["portGroups"]]
    return res


@route("POST", "/service/sites/{site}/dvswitchs/{id}/portgroups")
def create_pg(engine, req):
    """Create a port group (synchronous {urn, uri}; VLAN 0-4094, trunk ranges, bandwidth limits)."""
    site_check(engine, req)
    dvs = _dvs(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True, code="10540521")
    if any(p.data["name"] == name for p in _pgs_of(engine, dvs.urn)):
        raise VrmError("10504031", "A port group named %s already exists on this DVS." % name)
    fields = _pg_fields(body, dvs_type=dvs.data.get("type", 0))
    if fields.get("portType", 0) == 0 and "vlanId" not in fields:
        raise VrmError("10540104", "An access port group needs vlanId (0 = untagged).")
    _in_pools(dvs, fields)
    pg = new_portgroup(engine, dvs.urn, name, vlan_id=fields.get("vlanId", 0), port_type=fields.get("portType", 0),
                       vlan_range=fields.get("vlanRange", ""))
    pg.data.update(fields)
    engine.touch(pg)
    return {"urn": pg.urn, "uri": pg.data["uri"]}


@route("GET", "/service/sites/{site}/dvswitchs/{id}/portgroups/{pg}")
def get_pg(engine, req):
    """Get a port group."""
    site_check(engine, req)
    return engine.render(_pg(engine, req))


@route("PUT", "/service/sites/{site}/dvswitchs/{id}/portgroups/{pg}")
def modify_pg(engine, req):
    """Update a port group (task UpdatePortGroupTask)."""
    site_check(engine, req)
    pg = _pg(engine, req)
    body = req.json()
    fields = _pg_fields(body, pg.data, _dvs_type_of(engine, pg.urn))
    _in_pools(engine.get(pg.urn.split(":portgroups:")[0], "dvswitchs"), fields)
    if "name" in body:
        name = as_str(body["name"], "name", 1, 256, code="10540521")
        dvs_urn = pg.urn.split(":portgroups:")[0]
        if any(p.data["name"] == name and p.urn != pg.urn for p in _pgs_of(engine, dvs_urn)):
            raise VrmError("10504031", "A port group named %s already exists on this DVS." % name)
        fields["name"] = name
    task = engine.start_task("UpdatePortGroupTask", pg.urn, pg.data["name"], done=("pg_update", {"fields": fields}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("pg_update")
def _pg_update(engine, task, fields):
    pg = engine.find(task.data["entityUrn"], "portgroups")
    if pg is None:
        return
    pg.data.update(fields)
    engine.touch(pg)
    if "name" in fields:
        for vm, nic in _nics_on(engine, {pg.urn}):
            nic["portGroupName"] = fields["name"]
            engine.touch(vm)


@route("DELETE", "/service/sites/{site}/dvswitchs/{id}/portgroups/{pg}")
def delete_pg(engine, req):
    """Delete a port group (synchronous, 200 without a body); refused while VM NICs use it (10540109)."""
    site_check(engine, req)
    pg = _pg(engine, req)
    used = _nics_on(engine, {pg.urn})
    if used:
        raise VrmError("10540109", "The port group is used by VM NICs: %s." % ", ".join(
            sorted({vm.data["name"] for vm, _n in used})))
    engine.remove(pg.urn)
    return None


def _site_pgs(engine, req, body):
    urns = lst(body.get("pgurns"), "pgurns")
    dvss = lst(body.get("dvsurns"), "dvsurns")
    names = lst(body.get("names"), "names")
    out = []
    for p in engine.all("portgroups"):
        if urns and p.urn not in urns:
            continue
        if dvss and p.urn.split(":portgroups:")[0] not in dvss:
            continue
        if names and p.data["name"] not in names:
            continue
        item = engine.render(p)
        dvs = engine.find(p.urn.split(":portgroups:")[0], "dvswitchs")
        item["dvsType"] = dvs.data["type"] if dvs else 0
        item["userId"] = ""
        item["userName"] = ""
        out.append(item)
    return out


@route("POST", "/service/sites/{site}/portgroups")
def query_site_pgs(engine, req):
    """Query port groups across the site by body {limit, offset, pgurns, dvsurns, names}."""
    site_check(engine, req)
    body = req.json()
    items = _site_pgs(engine, req, body)
    limit = as_int(body.get("limit"), "limit", 1, 100, default=100, code="10000013")
    offset = as_int(body.get("offset"), "offset", 0, default=0, code="10000016")
    return {"total": len(items), "portGroups": items[offset:offset + limit]}


@route("GET", "/service/sites/{site}/portgroups")
def list_site_pgs(engine, req):
    """List every port group of the site (8.x)."""
    site_check(engine, req)
    items = _site_pgs(engine, req, {})
    return page(items, req, "portGroups")


def _vsps(engine):
    out = []
    for vm in engine.all("vms"):
        for n in vm.data["vmConfig"]["nics"]:
            pg = engine.find(n["portGroupUrn"], "portgroups")
            out.append((vm, n, pg))
    return out


def _vsp_item(engine, vm, n, pg):
    q = vm.sim.get("vsp_qos", {}).get(n["portId"], {})
    item = {"urn": "%s:vsps:%s" % (engine.site_urn, n["portId"]), "uri": "%s/vsps/%s" % (engine.site_uri, n["portId"]),
            "dvSwitchUrn": n["portGroupUrn"].split(":portgroups:")[0], "portGroupUrn": n["portGroupUrn"],
            "portGroupName": n["portGroupName"], "vmUrn": vm.urn, "vmName": vm.data["name"], "vnicUrn": n["urn"],
            "vnicName": n["name"], "instanceId": "", "hostName": vm.data.get("hostName", ""), "vmVifMAC": n["mac"],
            "netAddr": vm.sim.get("ip_bindings", {}).get(n["urn"], ""), "status": 0 if vm.data["status"] == "running" else 1,
            "portType": pg.data["portType"] if pg else 0, "vlanId": pg.data["vlanId"] if pg else 0,
            "vlanRange": pg.data.get("vlanRange", "") if pg else "", "params": {}}
    for f in QOS_FIELDS:
        item[f] = q.get(f, 0)
    return item


@route("GET", "/service/sites/{site}/vsps")
def list_vsps(engine, req):
    """Virtual switch ports, one per VM NIC (scope port group or DVS URN, vmName, mac)."""
    site_check(engine, req)
    scope = req.q("scope")
    vm_name = req.q("vmName")
    mac = req.q("mac")
    out = []
    for vm, n, pg in _vsps(engine):
        if scope and scope not in (n["portGroupUrn"], n["portGroupUrn"].split(":portgroups:")[0]):
            continue
        if vm_name and not fuzzy(vm.data["name"], vm_name):
            continue
        if mac and n["mac"] != mac.lower():
            continue
        out.append(_vsp_item(engine, vm, n, pg))
    return page(out, req, "vsps", all_when_absent=False)


@route("PUT", "/service/sites/{site}/vsps/{id}")
def modify_vsp(engine, req):
    """Per-NIC bandwidth limits on its switch port (task)."""
    site_check(engine, req)
    body = req.json()
    for vm, n, _pg in _vsps(engine):
        if n["portId"] == req.params["id"]:
            fields = {}
            if "priority" in body and "txLimit" not in body and not vm.sim.get("vsp_qos", {}).get(n["portId"], {}).get(
                    "txLimit"):
                raise VrmError("10000001", "txLimit is required when priority is set.")
            for f in QOS_FIELDS:
                if f in body:
                    lo, hi = (2, 7) if f == "priority" else (0, 10000)
                    fields[f] = as_int(body[f], f, lo, hi)
            if fields.get("txPeakLimit") and fields["txPeakLimit"] < fields.get("txLimit", 0):
                raise VrmError("10000001", "txPeakLimit must be at least txLimit.")
            task = engine.start_task("UpdateVNic", vm.urn, vm.data["name"],
                                     done=("vsp_qos", {"port": n["portId"], "fields": fields}),
                                     user=req.session["user"])
            return engine.task_ref(task)
    raise VrmError("10000008", "The switch port %s does not exist." % req.params["id"])


@handler("vsp_qos")
def _vsp_qos(engine, task, port, fields):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.sim.setdefault("vsp_qos", {}).setdefault(port, {}).update(fields)
        engine.touch(vm)

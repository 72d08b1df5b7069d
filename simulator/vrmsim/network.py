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

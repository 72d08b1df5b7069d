"""A host's network planes: bonds, system interfaces per plane with their bandwidth, NIOC on port groups, and host
settings (huge pages, swap partitions, NTP)."""

from test_vm_lifecycle import _deploy


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


def _ports(sim, host):
    return {p["name"]: p for p in sim.ok("GET", host["uri"] + "/uplinkports")["uplinkPorts"]}


def _host_metric(sim, urn, metric="nic_byte_out"):
    ans = sim.ok("POST", sim.site + "/monitors/objectmetric-realtimedata", [{"urn": urn, "metricId": [metric]}])
    return float(ans["items"][0]["value"][0]["metricValue"])


# route: GET /service/sites/{site}/hosts/{id}/uplinkportaggrs
# route: GET /service/sites/{site}/hosts/{id}/systemintfs
# route: GET /service/sites/{site}/hosts/{id}/systemintfs/{intf}
def test_a_host_comes_with_its_management_plane(sim):
    h = sim.find("hosts", "cna-dev-01")
    aggrs = sim.ok("GET", h["uri"] + "/uplinkportaggrs")
    assert aggrs["total"] == 1
    mgmt = aggrs["uplinkPortAggrs"][0]
    assert mgmt["name"] == "Mgnt_Aggr" and mgmt["strategy"] == 1
    assert [p["name"] for p in mgmt["uplinkPorts"]] == ["eth0"]
    assert _ports(sim, h)["eth0"]["bindStatus"] == "bind"
    intfs = sim.ok("GET", h["uri"] + "/systemintfs")["systemIntfs"]
    assert [(i["name"], i["type"], i["netAddr"], i["portUrn"], i["flag"]) for i in intfs] == [
        ("Mgnt-0", 0, h["ip"], mgmt["urn"], 1)]
    one = sim.ok("GET", intfs[0]["uri"])
    assert one["name"] == "Mgnt-0" and one["txLimit"] == 0
    _err(sim.get(h["uri"] + "/systemintfs/999"), "10540500")
    _err(sim.get(h["uri"] + "/systemintfs/abc"), "10540505")
    _err(sim.get(sim.site + "/hosts/999/systemintfs"), "10300027")
    assert sim.ok("GET", h["uri"] + "/uplinkportaggrs", params={"isUsed": "unused"})["total"] == 0
    _err(sim.get(h["uri"] + "/uplinkportaggrs", params={"isUsed": "maybe"}), "10540303")


# route: POST /service/sites/{site}/hosts/{id}/uplinkportaggrs
# route: GET /service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}
# route: PUT /service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}
# route: DELETE /service/sites/{site}/hosts/{id}/uplinkportaggrs/{aggr}
def test_bond_lifecycle_and_rules(sim):
    h = sim.find("hosts", "cna-dev-01")
    ports = _ports(sim, h)
    base = h["uri"] + "/uplinkportaggrs"
    _err(sim.post(base, {"name": "b", "strategy": 1, "uplinkPortUrns": []}), "10540404")
    _err(sim.post(base, {"name": "b", "strategy": 11, "uplinkPortUrns": [ports["eth1"]["urn"]]}), "10540400")
    _err(sim.post(base, {"name": "b", "strategy": 1, "uplinkPortUrns": [ports["eth1"]["urn"]] * 2}), "10540406")
    _err(sim.post(base, {"name": "b", "strategy": 1, "uplinkPortUrns": [ports["eth0"]["urn"]]}), "10540014")
    _err(sim.post(base, {"name": "b", "strategy": 1, "uplinkPortUrns": [ports["eth2"]["urn"]]}), "10540014")
    _err(sim.post(base, {"name": "Mgnt_Aggr", "strategy": 1, "uplinkPortUrns": [ports["eth1"]["urn"]]}), "10540410")
    _err(sim.post(base, {"name": "b", "strategy": 1, "uplinkPortUrns": ["urn:sites:4D6B0918:hosts:1:uplinkports:1"]}),
         "10540013")
    ans = sim.ok("POST", base, {"name": "Storage_Aggr", "strategy": 8, "uplinkPortUrns": [ports["eth1"]["urn"]]})
    assert sim.wait(ans)["type"] == "CreateUplinkPortAggr"
    bond = sim.ok("GET", ans["uri"])
    assert bond["strategy"] == 8 and bond["status"] == 0 and [p["name"] for p in bond["uplinkPorts"]] == ["eth1"]
    assert _ports(sim, h)["eth1"]["uplinkPortAggrUrn"] == ans["urn"]
    # a bonded NIC is no DVS uplink
    _err(sim.post(sim.site + "/dvswitchs", {"name": "dvs-x", "type": 0, "hostPortSet": [
        {"hostUrn": h["urn"], "portUrn": ports["eth1"]["urn"]}]}), "10540014")
    _err(sim.put(ans["uri"], {}), "10540415")
    _err(sim.put(ans["uri"], {"operator": "add"}), "10540418")
    _err(sim.put(ans["uri"], {"operator": "swap", "uplinkPortUrns": [ports["eth3"]["urn"]]}), "10540408")
    _err(sim.put(ans["uri"], {"operator": "add", "uplinkPortUrns": []}), "10540421")
    sim.wait(sim.ok("PUT", ans["uri"], {"operator": "add", "uplinkPortUrns": [ports["eth3"]["urn"]], "strategy": 1}))
    bond = sim.obj(ans["urn"])
    assert bond["strategy"] == 1 and [p["name"] for p in bond["uplinkPorts"]] == ["eth1", "eth3"]
    _err(sim.put(ans["uri"], {"operator": "delete", "uplinkPortUrns": [ports["eth1"]["urn"], ports["eth3"]["urn"]]}),
         "10540419")
    _err(sim.put(ans["uri"], {"operator": "delete", "uplinkPortUrns": [ports["eth0"]["urn"]]}), "10540413")
    sim.wait(sim.ok("PUT", ans["uri"], {"operator": "delete", "uplinkPortUrns": [ports["eth3"]["urn"]]}))
    _err(sim.put(ans["uri"], {"operator": "delete", "uplinkPortUrns": [ports["eth1"]["urn"]]}), "10540420")
    r = sim.put(ans["uri"], {"description": "iSCSI"})
    assert r.status_code == 200 and "taskUri" not in (r.json() if r.content else {})   # no task for a description
    assert sim.obj(ans["urn"])["description"] == "iSCSI"
    assert _ports(sim, h)["eth3"]["bindStatus"] == "unbind"
    mgmt = [a for a in sim.ok("GET", base)["uplinkPortAggrs"] if a["name"] == "Mgnt_Aggr"][0]
    sim.wait(sim.ok("PUT", mgmt["uri"], {"operator": "add", "uplinkPortUrns": [ports["eth3"]["urn"]]}))
    _err(sim.put(mgmt["uri"], {"operator": "delete", "uplinkPortUrns": [ports["eth0"]["urn"]]}), "10540414")
    _err(sim.delete(mgmt["uri"]), "10540017")
    assert sim.wait(sim.ok("DELETE", ans["uri"]))["type"] == "DeleteUplinkPortAggr"
    _err(sim.get(ans["uri"]), "10540016")
    assert _ports(sim, h)["eth1"]["bindStatus"] == "unbind"


def _storage_plane(sim, h, port_urn, **extra):
    body = {"name": "iscsi-0", "type": 1, "portUrn": port_urn, "vlanId": 300, "netAddr": "192.168.30.21",
            "netMask": 24}
    body.update(extra)
    return sim.req("POST", h["uri"] + "/systemintfs", body)


# route: POST /service/sites/{site}/hosts/{id}/systemintfs
# route: PUT /service/sites/{site}/hosts/{id}/systemintfs/{intf}
# route: DELETE /service/sites/{site}/hosts/{id}/systemintfs/{intf}
# route: POST /service/sites/{site}/monitors/objectmetric-realtimedata
def test_planes_with_bandwidth_limits(sim):
    h = sim.find("hosts", "cna-dev-01")
    h2 = sim.find("hosts", "cna-dev-02")
    ports = _ports(sim, h)
    eth1, eth3 = ports["eth1"]["urn"], ports["eth3"]["urn"]
    before = _host_metric(sim, h["urn"])
    assert before == 200 * 125.0           # the management plane's traffic, unlimited
    _err(_storage_plane(sim, h, eth1, txLimit=20000), "10540520")
    _err(_storage_plane(sim, h, eth1, txPeakLimit=500), "10504027")
    _err(_storage_plane(sim, h, eth1, txLimit=1000, txPeakLimit=500), "10504021")
    _err(_storage_plane(sim, h, eth1, netMask=32), "10500006")
    _err(_storage_plane(sim, h, eth1, netAddr="192.168.30.300"), "10500004")
    _err(_storage_plane(sim, h, eth1, netAddr=h2["ip"]), "10506008")        # cna-dev-02's management address
    _err(_storage_plane(sim, h, eth1, netAddr="198.51.100.99"), "10506044")  # the management subnet
    _err(_storage_plane(sim, h, eth1, option=["migrate"]), "10506002")
    _err(_storage_plane(sim, h, ports["eth2"]["urn"]), "10540014")           # a DVS uplink
    _err(_storage_plane(sim, h, eth1, type=0), "10000001")
    ans = _storage_plane(sim, h, eth1, txLimit=1000).json()
    assert sim.wait(ans)["type"] == "CreateIscsiSystemIntf"
    iscsi = sim.obj(ans["urn"])
    assert (iscsi["txLimit"], iscsi["txPeakLimit"], iscsi["txBurstSize"], iscsi["portName"]) == (1000, 1000, 1000,
                                                                                                 "eth1")
    assert _host_metric(sim, h["urn"]) == (200 + 1000) * 125.0     # the storage plane sends at its limit
    assert _host_metric(sim, h["clusterUrn"]) == _host_metric(sim, h["urn"]) + 2 * 200 * 125.0
    _err(_storage_plane(sim, h, eth3, name="iscsi-1", netAddr="192.168.31.21"), "10540509")  # VLAN 300 again
    _err(_storage_plane(sim, h, eth3), "10540433")
    _err(_storage_plane(sim, h2, ports["eth1"]["urn"], netAddr="192.168.30.22"), "10540013")  # not h2's NIC
    _err(_storage_plane(sim, h2, _ports(sim, h2)["eth1"]["urn"]), "10506008")                  # same address
    svc = sim.ok("POST", h["uri"] + "/systemintfs", {
        "name": "vmotion", "type": 2, "portUrn": eth3, "vlanId": 301, "netAddr": "192.168.31.21", "netMask": 24,
        "option": ["migrate", "ha"]})
    assert sim.wait(svc)["type"] == "CreateServiceSystemIntf"
    assert sim.obj(svc["urn"])["option"] == ["ha", "migrate"]
    _err(sim.put(svc["uri"], {"gateway": "192.168.31.1"}), "10506009")
    _err(sim.put(svc["uri"], {}), "10540415")
    assert sim.wait(sim.ok("PUT", ans["uri"], {"txLimit": 2000, "txPeakLimit": 3000}))["type"] == \
        "UpdateIscsiSystemIntf"
    assert (sim.obj(ans["urn"])["txLimit"], sim.obj(ans["urn"])["txPeakLimit"]) == (2000, 3000)
    assert _host_metric(sim, h["urn"]) == (200 + 2000 + 6000) * 125.0
    sim.wait(sim.ok("PUT", ans["uri"], {"txLimit": 0}))
    assert sim.obj(ans["urn"])["txLimit"] == 0 and sim.obj(ans["urn"])["txPeakLimit"] == 0
    r = sim.put(ans["uri"], {"name": "iscsi-a"})
    assert r.status_code == 200 and "taskUri" not in (r.json() if r.content else {})   # no task for a name
    assert sim.obj(ans["urn"])["name"] == "iscsi-a"
    mgmt = [i for i in sim.ok("GET", h["uri"] + "/systemintfs")["systemIntfs"] if i["type"] == 0][0]
    _err(sim.put(mgmt["uri"], {"vlanId": 5}), "10506040")
    _err(sim.delete(mgmt["uri"]), "10540506")
    site = sim.ok("POST", sim.site + "/systemInfs", {"type": 1, "hosturns": [h["urn"]]})
    assert site["total"] == 1 and site["systemIntfs"][0]["hostName"] == "cna-dev-01"
    assert sim.ok("POST", sim.site + "/systemInfs", {"option": "migrate"})["total"] == 1
    assert sim.wait(sim.ok("DELETE", ans["uri"]))["type"] == "DeleteIscsiSystemIntf"
    _err(sim.get(ans["uri"]), "10540500")


# route: POST /service/sites/{site}/systemInfs
def test_site_query_pages(sim):
    page = sim.ok("POST", sim.site + "/systemInfs", {"limit": 2, "offset": 1, "type": 0})
    assert page["total"] == 6 and len(page["systemIntfs"]) == 2
    _err(sim.post(sim.site + "/systemInfs", {"limit": 500}), "10000013")


# route: PUT /service/sites/{site}/dvswitchs/{id}/portgroups/{pg}
def test_portgroup_io_control(sim):
    dvs = sim.find("dvswitchs", "dvs-prod")
    pg = sim.find("portgroups", "prod-vlan100")
    _err(sim.put(pg["uri"], {"txWeight": 101}), "10540520")
    _err(sim.put(pg["uri"], {"txReserve": 20000}), "10540520")
    _err(sim.put(pg["uri"], {"txLimit": 500, "txReserve": 800}), "10540520")
    sim.wait(sim.ok("PUT", pg["uri"], {"txWeight": 60, "txReserve": 400, "txLimit": 1000, "priority": 3}))
    got = sim.obj(pg["urn"])
    assert (got["txWeight"], got["txReserve"], got["txLimit"], got["priority"]) == (60, 400, 1000, 3)
    assert dvs["qosType"] == 0


# route: POST /service/sites/{site}/hosts/{id}/action/configHostHugePage
def test_huge_pages(sim):
    vm, _ = _deploy(sim, "hp-vm")
    busy = sim.obj(vm["hostUrn"])
    h = sim.find("hosts", "cna-dev-03")
    assert h["hugePagesz"] == "4K" and h["hugePages"] == 0
    uri = h["uri"] + "/action/configHostHugePage"
    _err(sim.post(uri, {"hugePagesz": "3M", "hugePages": 1}), "11400000")
    _err(sim.post(uri, {"hugePagesz": "4K", "hugePages": 0}), "12000038")
    _err(sim.post(uri, {"hugePagesz": "1G", "hugePages": 200}), "10300943")
    assert sim.wait(sim.ok("POST", uri, {"hugePagesz": "2M", "hugePages": 4096}))["type"] == "ConfigHostHugePage"
    got = sim.obj(h["urn"])
    assert (got["hugePagesz"], got["hugePages"], got["normalMemory"]) == ("2M", 4096, 128 * 1024 - 8192)
    _err(sim.post(busy["uri"] + "/action/configHostHugePage", {"hugePagesz": "2M", "hugePages": 16}), "12000039")


# route: POST /service/sites/{site}/hosts/{id}/action/addswappartition
# route: DELETE /service/sites/{site}/hosts/{id}/action/deleteswappartition
# route: GET /service/sites/{site}/hosts/{id}/queryswappartition
# route: POST /service/sites/{site}/hosts/{id}/action/configNTP
def test_swap_partitions_and_ntp(sim):
    h = sim.find("hosts", "cna-dev-01")
    dev = sim.find("datastores", "datastore-dev")
    prod = sim.find("datastores", "datastore-prod")
    add = h["uri"] + "/action/addswappartition"
    _err(sim.post(add, {"name": "dm-3", "quantityGB": 8, "datastoreUrn": dev["urn"]}), "10321107")
    _err(sim.post(add, {"name": "a b", "quantityGB": 8, "datastoreUrn": dev["urn"]}), "10000012")
    _err(sim.post(add, {"name": "swap1", "quantityGB": 8, "datastoreUrn": prod["urn"]}), "10410024")
    _err(sim.post(add, {"name": "swap1", "quantityGB": 8, "datastoreUrn": dev["urn"] + "9"}), "10410006")
    _err(sim.post(add, {"name": "swap1", "quantityGB": 10 ** 6, "datastoreUrn": dev["urn"]}), "10410003")
    assert sim.wait(sim.ok("POST", add, {"name": "swap1", "quantityGB": 8, "datastoreUrn": dev["urn"]}))["type"] == \
        "AddSwapPartition"
    _err(sim.post(add, {"name": "swap1", "quantityGB": 8, "datastoreUrn": dev["urn"]}), "10321038")
    assert sim.ok("GET", h["uri"] + "/queryswappartition")["swappartitions"] == [
        {"name": "swap1", "totalSizeGB": 8, "allocatedSizeGB": 0, "datastoreUrn": dev["urn"]}]
    _err(sim.delete(h["uri"] + "/action/deleteswappartition", params={"name": "nope"}), "10000012")
    sim.wait(sim.ok("DELETE", h["uri"] + "/action/deleteswappartition", params={"name": "swap1"}))
    assert sim.ok("GET", h["uri"] + "/queryswappartition")["swappartitions"] == []
    ntp = h["uri"] + "/action/configNTP"
    _err(sim.post(ntp), "10200199")
    sim.wait(sim.ok("PUT", h["uri"], {"ntpIp1": "198.51.100.5", "ntpCycle": 128}))
    assert sim.wait(sim.ok("POST", ntp))["type"] == "ConfigHostNTPTask"
    applied = sim.sim("GET", "/objects/" + h["urn"])["sim"]["ntp_applied"]
    assert applied == {"servers": ["198.51.100.5"], "cycle": 128, "timeZone": "UTC"}


# route: POST /service/sites/{site}/hosts
# route: DELETE /service/sites/{site}/hosts/{id}
def test_added_host_gets_a_management_plane_and_removal_takes_it(sim):
    ans = sim.ok("POST", sim.site + "/hosts", {"ip": "198.51.100.41", "name": "cna-new"})
    sim.wait(ans)
    intfs = sim.ok("GET", ans["uri"] + "/systemintfs")["systemIntfs"]
    assert [(i["name"], i["netAddr"]) for i in intfs] == [("Mgnt-0", "198.51.100.41")]
    sim.wait(sim.ok("DELETE", ans["uri"]))
    assert not [o for o in sim.sim("GET", "/objects?kind=systemintfs")["objects"]
                if o["urn"].startswith(ans["urn"] + ":")]
    assert not [o for o in sim.sim("GET", "/objects?kind=uplinkportaggrs")["objects"]
                if o["urn"].startswith(ans["urn"] + ":")]


def test_generated_hosts_have_a_management_plane():
    from conftest import start_inprocess
    server, engine, client = start_inprocess(hosts=2)
    try:
        intfs = [r for r in engine.all("systemintfs") if r.data["type"] == 0]
        hosts = engine.all("hosts")
        assert len(hosts) == 8 and len(intfs) == 8
        assert sorted(i.data["netAddr"] for i in intfs) == sorted(h.data["ip"] for h in hosts)
    finally:
        server.shutdown()
        server.server_close()
        engine.close()

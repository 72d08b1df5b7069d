"""Datastores, storage resources and units, volumes, DVS, uplinks, port groups, VSPs."""


# route: GET /service/sites/{site}/datastores
# route: GET /service/sites/{site}/datastores/{id}
# route: PUT /service/sites/{site}/datastores/{id}
def test_datastore_list_and_detail(sim):
    res = sim.ok("GET", sim.site + "/datastores")
    assert res["total"] == 3
    prod = sim.find("clusters", "cluster-prod")
    scoped = sim.ok("GET", sim.site + "/datastores", params={"scope": prod["urn"]})["datastores"]
    assert {d["name"] for d in scoped} == {"datastore-prod", "nfs-images"}
    ds = sim.find("datastores", "nfs-images")
    d = sim.ok("GET", ds["uri"])
    assert d["storageType"] == "NAS" and d["capacityGB"] == 2048 and len(d["hosts"]) == 6
    assert d["usedSizeGB"] == 70   # the two templates' thin disks, provisioned
    assert d["actualFreeSizeGB"] == 2048 - 7   # 10 % written of 70 GB
    assert sim.put(ds["uri"], {"description": "images"}).status_code == 200


# route: POST /service/sites/{site}/storageresources
# route: GET /service/sites/{site}/storageresources
# route: GET /service/sites/{site}/storageresources/{id}
# route: GET /service/sites/{site}/storageunits
# route: POST /service/sites/{site}/datastores
# route: DELETE /service/sites/{site}/datastores/{id}
# route: POST /service/sites/{site}/storageresources/{id}/action/connect
# route: POST /service/sites/{site}/storageresources/{id}/action/disconnect
# route: DELETE /service/sites/{site}/storageresources/{id}
# route: GET /service/sites/{site}/storageunits/querybypage
# route: POST /service/sites/{site}/storageunits/action/refresh
def test_nfs_datastore_lifecycle(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    h2 = sim.find("hosts", "cna-dev-02")
    ans = sim.ok("POST", sim.site + "/storageresources", {
        "name": "nfs-02", "storageType": "NAS", "vender": "OTHER", "deviceType": "OTHER",
        "dataChannel": [{"ip": "198.51.100.211"}], "hostUrn": [h1["urn"]]})
    sim.wait(ans)
    assert sim.get(sim.site + "/storageresources").json()["errorCode"] == "10000013"
    assert sim.ok("GET", sim.site + "/storageresources", params={"limit": 10, "offset": 0})["total"] == 3
    units = sim.ok("GET", sim.site + "/storageunits", params={"hostUrn": h1["urn"], "useState": "unused",
                                                              "deviceType": "5"})["storageUnits"]
    unit = [u for u in units if u["name"] == "198.51.100.211:/export/backup"][0]
    c = sim.ok("POST", sim.site + "/datastores", {"hostUrn": h1["urn"], "storageUnitUrn": unit["urn"],
                                                  "name": "backup", "useType": 1})
    sim.wait(c)
    ds = sim.obj(c["urn"])
    assert ds["status"] == "NORMAL" and ds["capacityGB"] == 8192 and ds["storageType"] == "NAS"
    # host 2 does not see the unit until it connects to the storage
    r = sim.post(sim.site + "/datastores", {"hostUrn": h2["urn"], "storageUnitUrn": unit["urn"], "useType": 1})
    assert r.status_code == 400
    sim.wait(sim.ok("POST", ans["uri"] + "/action/connect", {"hostUrn": h2["urn"]}))
    sim.wait(sim.ok("POST", sim.site + "/datastores", {"hostUrn": h2["urn"], "storageUnitUrn": unit["urn"],
                                                       "useType": 1}))
    assert len(sim.obj(c["urn"])["hosts"]) == 2
    sim.wait(sim.ok("DELETE", c["uri"], params={"hostUrn": h2["urn"]}))
    assert len(sim.obj(c["urn"])["hosts"]) == 1
    assert sim.ok("GET", sim.site + "/storageunits/querybypage", params={"deviceType": "0"})["total"] >= 5
    sim.wait(sim.ok("POST", sim.site + "/storageunits/action/refresh", {"hostUrn": h1["urn"]}))
    r = sim.delete(ans["uri"])
    assert r.status_code == 400
    sim.wait(sim.ok("DELETE", c["uri"]))
    assert sim.get(c["uri"]).json()["errorCode"] == "10410006"
    sim.wait(sim.ok("POST", ans["uri"] + "/action/disconnect", {"hostUrn": h2["urn"]}))
    sim.wait(sim.ok("DELETE", ans["uri"]))


def test_datastore_in_use_cannot_be_deleted(sim):
    ds = sim.find("datastores", "nfs-images")
    r = sim.delete(ds["uri"])
    assert r.status_code == 400 and r.json()["errorCode"] == "10410017"    # in use (FC8DOC)


# route: POST /service/sites/{site}/volumes
# route: GET /service/sites/{site}/volumes
# route: GET /service/sites/{site}/volumes/{id}
# route: PUT /service/sites/{site}/volumes/{id}
# route: DELETE /service/sites/{site}/volumes/{id}
# route: POST /service/sites/{site}/volumes/{id}/action/expandVol
# route: POST /service/sites/{site}/volumes/{id}/action/migratevol
# route: PUT /service/sites/{site}/volumes/{id}/modifyIOpropertyOfVolume
# route: GET /service/sites/{site}/volumes/querydatastorevolumes
def test_volume_lifecycle_and_accounting(sim):
    ds = sim.find("datastores", "datastore-dev")
    base = sim.obj(ds["urn"])
    thick = sim.ok("POST", sim.site + "/volumes", {"quantityGB": 100, "datastoreUrn": ds["urn"], "type": "normal",
                                                   "isThin": False, "name": "thick"})
    sim.wait(thick)
    thin = sim.ok("POST", sim.site + "/volumes", {"quantityGB": 100, "datastoreUrn": ds["urn"], "type": "normal",
                                                  "isThin": True, "name": "thin"})
    sim.wait(thin)
    after = sim.obj(ds["urn"])
    assert after["usedSizeGB"] - base["usedSizeGB"] == 200
    assert base["actualFreeSizeGB"] - after["actualFreeSizeGB"] == 100
    assert sim.get(sim.site + "/volumes").json()["errorCode"] == "10000013"
    lst = sim.ok("GET", sim.site + "/volumes", params={"limit": 100, "offset": 0, "scope": ds["urn"]})
    assert {v["name"] for v in lst["volumes"]} == {"thick", "thin"} and lst["volumes"][0]["bindToVm"] == 2
    r = sim.post(sim.site + "/volumes", {"quantityGB": 5000, "datastoreUrn": ds["urn"], "type": "normal"})
    assert r.json()["errorCode"] == "10420037"
    r = sim.post(thick["uri"] + "/action/expandVol", {"size": 50 * 1024})
    assert r.json()["errorCode"] == "10420038"      # not larger (FC8DOC expandVol)
    sim.wait(sim.ok("POST", thick["uri"] + "/action/expandVol", {"size": 150 * 1024}))
    assert sim.obj(thick["urn"])["quantityGB"] == 150
    assert sim.put(thin["uri"], {"name": "thin2"}).status_code == 200
    nfs = sim.find("datastores", "nfs-images")
    sim.wait(sim.ok("POST", thin["uri"] + "/action/migratevol", {"datastoreUrn": nfs["urn"], "speed": 30}))
    assert sim.obj(thin["urn"])["datastoreUrn"] == nfs["urn"]
    sim.wait(sim.ok("PUT", thin["uri"] + "/modifyIOpropertyOfVolume", {
        "maxReadBytes": 1024, "maxWriteBytes": 1024, "maxReadRequest": 100, "maxWriteRequest": 100}))
    assert sim.obj(thin["urn"])["maxReadBytes"] == 1024
    q = sim.ok("GET", sim.site + "/volumes/querydatastorevolumes", params={"limit": 10, "offset": 0,
                                                                          "dsUrn": ds["urn"]})
    assert q["total"] == 1
    sim.wait(sim.ok("DELETE", thick["uri"]))
    assert sim.get(thick["uri"]).json()["errorCode"] == "10420004"


def test_attached_volume_cannot_be_deleted(sim):
    tpl = sim.find("vms", "tpl-centos7")
    vol = tpl["vmConfig"]["disks"][0]["volumeUrn"]
    r = sim.delete("/service/" + "/".join(vol.split(":")[1:]))
    assert r.json()["errorCode"] == "10420009"


# route: GET /service/sites/{site}/dvswitchs
# route: POST /service/sites/{site}/dvswitchs
# route: GET /service/sites/{site}/dvswitchs/{id}
# route: PUT /service/sites/{site}/dvswitchs/{id}
# route: DELETE /service/sites/{site}/dvswitchs/{id}
# route: POST /service/sites/{site}/dvswitchs/{id}/action/addhost
# route: POST /service/sites/{site}/dvswitchs/{id}/action/delhost
# route: POST /service/sites/{site}/dvswitchs/{id}/action/addvlanpool
# route: POST /service/sites/{site}/dvswitchs/{id}/action/delvlanpool
# route: GET /service/sites/{site}/hosts/{id}/uplinkports
def test_dvs_lifecycle(sim):
    lst = sim.ok("GET", sim.site + "/dvswitchs")
    assert list(lst) == ["dvSwitchs"] and lst["dvSwitchs"][0]["mtu"] == 1500
    assert "hostPortSet" not in lst["dvSwitchs"][0]
    h = sim.find("hosts", "cna-dev-01")
    ports = sim.ok("GET", h["uri"] + "/uplinkports", params={"isUsed": "unused"})["uplinkPorts"]
    eth3 = [p for p in ports if p["name"] == "eth3"][0]
    ans = sim.ok("POST", sim.site + "/dvswitchs", {"name": "dvs-storage", "mtu": 1, "type": 0,
                                                   "vlanPoolSet": [{"startVlanId": 10, "endVlanId": 20}],
                                                   "hostPortSet": [{"hostUrn": h["urn"], "portUrn": eth3["urn"]}]})
    assert set(ans) == {"urn", "uri"}
    dvs = sim.ok("GET", ans["uri"])
    assert dvs["mtu"] == 9000 and dvs["hostPortSet"][0]["portName"] == "eth3"
    assert sim.post(sim.site + "/dvswitchs", {"name": "dvs-storage"}).status_code == 400
    assert sim.put(ans["uri"], {"description": "iSCSI", "mtu": 1500}).status_code == 200
    assert sim.obj(ans["urn"])["mtu"] == 1500
    h2 = sim.find("hosts", "cna-dev-02")
    eth3b = [p for p in sim.ok("GET", h2["uri"] + "/uplinkports")["uplinkPorts"] if p["name"] == "eth3"][0]
    assert sim.post(ans["uri"] + "/action/addhost", {"hostPortSet": [{"hostUrn": h2["urn"],
                                                                      "portUrn": eth3b["urn"]}]}).status_code == 200
    assert len(sim.obj(ans["urn"])["hostPortSet"]) == 2
    assert sim.post(ans["uri"] + "/action/delhost", {"hostPortSet": [{"hostUrn": h2["urn"]}]}).status_code == 200
    assert len(sim.obj(ans["urn"])["hostPortSet"]) == 1
    assert sim.post(ans["uri"] + "/action/addvlanpool", {"vlanPoolSet": [{"startVlanId": 30,
                                                                          "endVlanId": 40}]}).status_code == 200
    sim.wait(sim.ok("POST", ans["uri"] + "/action/delvlanpool", {"vlanPoolSet": [{"startVlanId": 30,
                                                                                 "endVlanId": 40}]}))
    assert sim.delete(ans["uri"]).status_code == 200
    assert sim.get(ans["uri"]).json()["errorCode"] == "10540010"


# route: GET /service/sites/{site}/dvswitchs/{id}/portgroups
# route: POST /service/sites/{site}/dvswitchs/{id}/portgroups
# route: GET /service/sites/{site}/dvswitchs/{id}/portgroups/{pg}
# route: PUT /service/sites/{site}/dvswitchs/{id}/portgroups/{pg}
# route: DELETE /service/sites/{site}/dvswitchs/{id}/portgroups/{pg}
# route: POST /service/sites/{site}/portgroups
# route: GET /service/sites/{site}/portgroups
def test_portgroups(sim):
    dvs = sim.find("dvswitchs", "dvs-prod")
    base = dvs["uri"] + "/portgroups"
    assert sim.post(base, {"name": "bad", "vlanId": 4095}).json()["errorCode"] == "10504009"
    assert sim.post(base, {"name": "VM-Network", "vlanId": 5}).json()["errorCode"] == "10504031"
    assert sim.post(base, {"name": "trunk", "portType": 1, "vlanRange": "10-5000"}).json()["errorCode"] == "10504009"
    ans = sim.ok("POST", base, {"name": "web", "vlanId": 300, "txLimit": 100})
    pg = sim.ok("GET", ans["uri"])
    assert pg["vlanId"] == 300 and pg["txLimit"] == 100 and pg["txPeakLimit"] == 100 and pg["txBurstSize"] == 100
    tr = sim.ok("POST", base, {"name": "trunk", "portType": 1, "vlanRange": "10-20,30"})
    assert sim.obj(tr["urn"])["vlanRange"] == "10-20,30"
    sim.wait(sim.ok("PUT", ans["uri"], {"rxLimit": 200, "rxPeakLimit": 400, "priority": 5}))
    o = sim.obj(ans["urn"])
    assert o["rxPeakLimit"] == 400 and o["rxBurstSize"] == 200 and o["priority"] == 5
    assert sim.put(ans["uri"], {"rxPeakLimit": 100}).status_code == 400
    lst = sim.ok("GET", base, params={"portGroupName": "WE"})
    assert [p["name"] for p in lst["portGroups"]] == ["web"]
    q = sim.ok("POST", sim.site + "/portgroups", {"names": ["web", "trunk"], "limit": 10, "offset": 0})
    assert q["total"] == 2 and q["portGroups"][0]["dvsType"] == 0
    assert sim.ok("GET", sim.site + "/portgroups")["total"] == 5
    assert sim.delete(ans["uri"]).status_code == 200
    assert sim.get(ans["uri"]).json()["errorCode"] == "10540107"


def test_portgroup_and_dvs_in_use(sim):
    tpl = sim.find("vms", "tpl-centos7")
    pg = sim.obj(tpl["vmConfig"]["nics"][0]["portGroupUrn"])
    assert sim.delete(pg["uri"]).json()["errorCode"] == "10540109"     # used by VMs (FC8DOC)
    dvs = sim.find("dvswitchs", "dvs-prod")
    assert sim.delete(dvs["uri"]).json()["errorCode"] == "10540022"    # it has port groups (FC8DOC)


# route: GET /service/sites/{site}/vsps
# route: PUT /service/sites/{site}/vsps/{id}
def test_vsp_qos(sim):
    tpl = sim.find("vms", "tpl-centos7")
    vsps = sim.ok("GET", sim.site + "/vsps", params={"vmName": "tpl-centos7"})["vsps"]
    assert len(vsps) == 1 and vsps[0]["vmUrn"] == tpl["urn"]
    sim.wait(sim.ok("PUT", vsps[0]["uri"], {"txLimit": 100, "txPeakLimit": 200, "priority": 4}))
    again = sim.ok("GET", sim.site + "/vsps", params={"vmName": "tpl-centos7"})["vsps"][0]
    assert again["txLimit"] == 100 and again["priority"] == 4

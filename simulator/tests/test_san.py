"""IP-SAN onboarding: initiators, target portals and sessions, LUN datastores, expansion (storage_adapters)."""


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


def _ipsan(sim, hosts, name="ipsan-01"):
    ans = sim.ok("POST", sim.site + "/storageresources", {
        "name": name, "storageType": "san", "vender": "OTHER", "deviceType": "OTHER",
        "dataChannel": [{"ip": "198.51.100.220", "port": 3260}, {"ip": "198.51.100.221"}],
        "hostUrn": [h["urn"] for h in hosts]})
    sim.wait(ans)
    return ans


def _units(sim, host, use="all"):
    return {u["name"]: u for u in sim.ok("GET", sim.site + "/storageunits", params={
        "hostUrn": host["urn"], "useState": use, "deviceType": "0"})["storageUnits"]}


# route: GET /service/sites/{site}/hosts/{id}/storageadapters
# route: POST /service/sites/{site}/hosts/{id}/storageadapters/action/refresh
# route: POST /service/sites/{site}/hosts/{id}/storageadapters/action/modify
def test_initiator_rename_refused_while_connected_to_san(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    h2 = sim.find("hosts", "cna-dev-02")
    adapters = sim.ok("GET", h1["uri"] + "/storageadapters")["storageAdapters"]
    assert [(a["type"], a["wwn"]) for a in adapters] == [("ISCSI", "iqn.2012-12.com.huawei:cna-dev-01")]
    sim.wait(sim.ok("POST", h1["uri"] + "/storageadapters/action/refresh"))
    urn = adapters[0]["urn"]
    # the demo's hosts are connected to the oceanstor-01 SAN: VRM refuses to change their initiator
    _err(sim.post(h1["uri"] + "/storageadapters/action/modify", {"urn": urn, "wwn": "iqn.2026-12.test:h1"}),
         "10410223")
    sres = sim.find("storageresources", "oceanstor-01")
    for ds in ("datastore-prod", "datastore-dev"):
        d = sim.find("datastores", ds)
        if h1["urn"] in sim.ok("GET", d["uri"])["hosts"]:
            sim.wait(sim.ok("DELETE", d["uri"], params={"hostUrn": h1["urn"]}))
    sim.wait(sim.ok("POST", sres["uri"] + "/action/disconnect", {"hostUrn": h1["urn"]}))
    _err(sim.post(h1["uri"] + "/storageadapters/action/modify", {"urn": urn, "wwn": "-bad"}), "10400002")
    _err(sim.post(h1["uri"] + "/storageadapters/action/modify", {"urn": urn + "9", "wwn": "iqn.x"}), "10410074")
    _err(sim.post(h1["uri"] + "/storageadapters/action/modify", {"urn": urn, "wwn": "iqn.2012-12.com.huawei:"
                                                                                     "cna-dev-02"}), "10410114")
    sim.wait(sim.ok("POST", h1["uri"] + "/storageadapters/action/modify", {"urn": urn, "wwn": "iqn.2026-12.test:h1"}))
    assert sim.ok("GET", h1["uri"] + "/storageadapters")["storageAdapters"][0]["wwn"] == "iqn.2026-12.test:h1"
    _err(sim.get(h1["uri"].rsplit("/", 1)[0] + "/999/storageadapters"), "10300027")
    assert h2


# route: GET /service/sites/{site}/storageresources/queryiscsisessions
# route: POST /service/sites/{site}/storageresources/deleteiscsi
def test_sessions_per_portal_and_last_path(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    ans = _ipsan(sim, [h1])
    sid = ans["urn"].rsplit(":", 1)[1]
    q = {"storageResourceID": sid, "hostUrn": h1["urn"], "sessionState": "all"}
    res = sim.ok("GET", sim.site + "/storageresources/queryiscsisessions", params=q)
    assert res["total"] == 2 and {s["status"] for s in res["dataChannel"]} == {"CONNECTED"}
    _err(sim.get(sim.site + "/storageresources/queryiscsisessions", params={"storageResourceID": sid}), "10400002")
    # a LUN of the array becomes a datastore: the host's last session to it is then in use
    unit = _units(sim, h1)["LUN-ipsan-01"]
    sim.wait(sim.ok("POST", sim.site + "/datastores", {"hostUrn": h1["urn"], "storageUnitUrn": unit["urn"],
                                                       "name": "ds-ipsan", "useType": 1}))
    body = {"storageResourceID": sid, "hostUrn": h1["urn"], "ip": "198.51.100.221"}
    sim.wait(sim.ok("POST", sim.site + "/storageresources/deleteiscsi", body))
    left = sim.ok("GET", sim.site + "/storageresources/queryiscsisessions", params=q)["dataChannel"]
    assert [s["ip"] for s in left] == ["198.51.100.220"]
    _err(sim.post(sim.site + "/storageresources/deleteiscsi", dict(body, ip="198.51.100.220")), "10410227")
    _err(sim.post(sim.site + "/storageresources/deleteiscsi", dict(body, ip="300.1.1.1")), "10410037")
    _err(sim.post(sim.site + "/storageresources/deleteiscsi", dict(body, storageResourceID="999")), "10410013")
    # connecting again logs in to every portal
    sim.wait(sim.ok("POST", ans["uri"] + "/action/connect", {"hostUrn": h1["urn"]}))
    assert sim.ok("GET", sim.site + "/storageresources/queryiscsisessions", params=q)["total"] == 2


# route: PUT /service/sites/{site}/storageresources/{id}
def test_modify_portals_refused_under_datastores(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    ans = sim.ok("POST", sim.site + "/storageresources", {
        "name": "ipsan-02", "storageType": "san", "vender": "OTHER", "deviceType": "OTHER",
        "dataChannel": [{"ip": "198.51.100.220"}], "hostUrn": [h1["urn"]]})
    sim.wait(ans)
    sim.wait(sim.ok("PUT", ans["uri"], {"name": "ipsan-two", "dataChannel": [
        {"ip": "198.51.100.220"}, {"ip": "198.51.100.221", "port": 3260}]}))
    got = sim.ok("GET", ans["uri"])
    assert got["name"] == "ipsan-two" and len(got["dataChannel"]) == 2
    _err(sim.put(ans["uri"], {"dataChannel": [{"ip": "198.51.100.220"}, {"ip": "198.51.100.220"}]}), "10410066")
    _err(sim.put(ans["uri"], {"name": "oceanstor-01"}), "10410021")
    unit = _units(sim, h1)["LUN-ipsan-02"]
    sim.wait(sim.ok("POST", sim.site + "/datastores", {"hostUrn": h1["urn"], "storageUnitUrn": unit["urn"],
                                                       "name": "ds-two", "useType": 1}))
    _err(sim.put(ans["uri"], {"dataChannel": [{"ip": "198.51.100.220"}]}), "10410256")
    # nor can the host leave the array while it uses a datastore there, nor leave it twice
    _err(sim.post(ans["uri"] + "/action/disconnect", {"hostUrn": h1["urn"]}), "10410014")
    h3 = sim.find("hosts", "cna-dev-03")
    _err(sim.post(ans["uri"] + "/action/disconnect", {"hostUrn": h3["urn"]}), "10410177")
    _err(sim.get(ans["uri"].rsplit("/", 1)[0] + "/999"), "10410013")


# route: GET /service/sites/{site}/datastores/{id}/expandList
# route: POST /service/sites/{site}/datastores/{id}/action/expandDatastore
def test_expand_only_grows_with_free_luns_every_host_sees(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    h2 = sim.find("hosts", "cna-dev-02")
    _ipsan(sim, [h1])
    units = _units(sim, h1)
    c = sim.ok("POST", sim.site + "/datastores", {"hostUrn": h1["urn"], "storageUnitUrn": units["LUN-ipsan-01"]["urn"],
                                                  "name": "ds-grow", "useType": 1})
    sim.wait(c)
    # a LUN belongs to one datastore
    _err(sim.post(sim.site + "/datastores", {"hostUrn": h1["urn"], "storageUnitUrn": units["LUN-ipsan-01"]["urn"],
                                             "name": "ds-other", "useType": 1}), "10410138")
    # host 2 is not connected to the array: it cannot use its LUNs
    _err(sim.post(sim.site + "/datastores", {"hostUrn": h2["urn"], "storageUnitUrn": units["LUN-ipsan-02"]["urn"],
                                             "name": "ds-h2", "useType": 1}), "10410081")
    cands = sim.ok("GET", c["uri"] + "/expandList")
    assert sorted(u["suName"] for u in cands["storageUnits"]) == ["LUN-ipsan-02", "LUN-ipsan-03", "LUN-spare-01"]
    assert {u["type"] for u in cands["storageUnits"]} == {"IPSAN"} and cands["total"] == 3
    _err(sim.post(c["uri"] + "/action/expandDatastore", {"storageUnitUrn": units["LUN-ipsan-01"]["urn"]}), "10410138")
    _err(sim.post(c["uri"] + "/action/expandDatastore", {}), "10400002")
    _err(sim.post(c["uri"] + "/action/expandDatastore", {"storageUnitUrn": sim.site_urn + ":storageunits:999"}),
         "10410007")
    nfs = sim.find("storageunits", "198.51.100.210:/export/images")
    _err(sim.post(c["uri"] + "/action/expandDatastore", {"storageUnitUrn": nfs["urn"]}), "10410144")
    nas_ds = sim.find("datastores", "nfs-images")
    _err(sim.get(nas_ds["uri"] + "/expandList"), "10410002")
    sim.wait(sim.ok("POST", c["uri"] + "/action/expandDatastore", {"storageUnitUrn": units["LUN-ipsan-02"]["urn"]}))
    ds = sim.ok("GET", c["uri"])
    assert ds["capacityGB"] == 2048 and [u["suName"] for u in ds["storageUnits"]] == ["LUN-ipsan-01", "LUN-ipsan-02"]
    assert "LUN-ipsan-02" not in _units(sim, h1, "unused")
    # a datastore on hosts of which one does not see the LUN cannot take it
    other = sim.ok("POST", sim.site + "/storageresources", {
        "name": "ipsan-x", "storageType": "san", "vender": "OTHER", "deviceType": "OTHER",
        "dataChannel": [{"ip": "198.51.100.230"}], "hostUrn": [h2["urn"]]})
    sim.wait(other)
    blind = _units(sim, h2)["LUN-ipsan-x-01"]
    _err(sim.post(c["uri"] + "/action/expandDatastore", {"storageUnitUrn": blind["urn"]}), "10410139")
    # deleting the datastore frees both LUNs
    sim.wait(sim.ok("DELETE", c["uri"]))
    assert {"LUN-ipsan-01", "LUN-ipsan-02"} <= set(_units(sim, h1, "unused"))

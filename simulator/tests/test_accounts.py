"""Users, roles and rights; logins of the users made through the API; folders of clusters and VMs."""

from conftest import Client

NOVA = {"userType": "2", "userName": "nova-fc", "password": "Nova@Secret2026", "roles": ["novaroleX"],
        "email": "nova@example.com", "contact": "0123456789", "description": "nova-compute"}


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


def _role(sim, name="novaroleX", rights=("vm.query", "vm.create", "vm.power")):
    return sim.post("/service/roles/add", {"roleName": name, "description": "nova", "popedom": list(rights)})


# route: GET /service/roles/getRights
# route: POST /service/roles/add
# route: GET /service/roles/list
# route: GET /service/roles/query/{name}
# route: POST /service/roles/mod
# route: POST /service/roles/rmv
def test_roles(sim):
    tree = sim.ok("GET", "/service/roles/getRights", params={"rightType": 1})
    leaves = [s["rightId"] for i in tree["items"] for s in i["subitems"]]
    assert tree["total"] == len(tree["items"]) and "vm.create" in leaves
    assert _role(sim, rights=("vm", "vm.query", "vm.create")).status_code == 200
    role = sim.ok("GET", "/service/roles/query/novaroleX")
    assert [p["rightId"] for p in role["popedom"]] == ["vm.create", "vm.query"]    # the group's own ID is no right
    assert role["userNum"] == "0" and role["rightType"] == 1
    _err(_role(sim), "10100501")
    _err(_role(sim, "short"), "10100508")
    _err(_role(sim, "another_role", ("vm.fly",)), "10100504")
    _err(_role(sim, "another_role", ()), "10100507")
    _err(sim.post("/service/roles/add", {"roleName": "another_role", "popedom": ["vm.query"], "rightType": 2}),
         "10100422")
    names = [r["roleName"] for r in sim.ok("GET", "/service/roles/list", params={"limit": 20, "offset": 0})["items"]]
    assert names[:3] == ["administrator", "operator", "auditor"] and "novaroleX" in names
    assert sim.ok("GET", "/service/roles/list", params={"roleName[]": "novaroleX"})["total"] == 1
    _err(sim.get("/service/roles/list", params={"limit": 101, "offset": 0}), "11000096")
    assert sim.post("/service/roles/mod", {"roleName": "novaroleX", "popedom": ["vm.delete"],
                                           "description": "changed"}).status_code == 200
    role = sim.ok("GET", "/service/roles/query/novaroleX")
    assert [p["rightId"] for p in role["popedom"]] == ["vm.delete"] and role["description"] == "changed"
    _err(sim.post("/service/roles/mod", {"roleName": "administrator", "popedom": ["vm.query"]}), "10100348")
    _err(sim.post("/service/roles/mod", {"roleName": "nosuchrole"}), "10100502")
    _err(sim.post("/service/roles/rmv", {"roleName": "administrator"}), "10100347")
    _err(sim.get("/service/roles/query/nosuchrole"), "10100502")
    assert sim.post("/service/roles/rmv", {"roleName": "novaroleX"}).status_code == 200
    _err(sim.post("/service/roles/rmv", {"roleName": "novaroleX"}), "10100502")


# route: POST /service/users
# route: GET /service/users
# route: GET /service/users/{id}
# route: PUT /service/users/{id}
# route: POST /service/users/{id}/setRoles
# route: DELETE /service/users/{id}
def test_users(sim):
    _role(sim)
    uid = sim.ok("POST", "/service/users", NOVA)["userId"]
    user = sim.ok("GET", "/service/users/%s" % uid)
    assert user["userName"] == "nova-fc" and user["roles"] == ["novaroleX"] and user["manageStatus"] == 0
    assert "password" not in user
    stored = sim.sim("GET", "/objects/urn:users:%s" % uid)
    assert stored["sim"]["password"] != NOVA["password"] and len(stored["sim"]["password"]) == 64
    for change, code in (({}, "10100305"), ({"userName": "9abc"}, "10100310"), ({"userName": "a" * 21}, "10100309"),
                         ({"userName": "x1", "password": "short1A"}, "10100335"),
                         ({"userName": "x1", "password": "alllower123"}, "10100123"),
                         ({"userName": "x1", "password": "Ab1x1Ab1"}, "10100126"),
                         ({"userName": "x1", "password": ""}, "10100120"),
                         ({"userName": "x1", "roles": ["ghost"]}, "10100306"),
                         ({"userName": "x1", "roles": []}, "10100505"),
                         ({"userName": "x1", "email": "nope"}, "10100303"),
                         ({"userName": "x1", "contact": "+49-xx"}, "10100302"),
                         ({"userName": "x1", "userType": "7"}, "10100337"),
                         ({"userName": "x1", "rightType": 9}, "10100058")):
        _err(sim.post("/service/users", dict(NOVA, **change)), code)
    listed = sim.ok("GET", "/service/users", params={"userName": "NOVA", "limit": 10, "offset": 0})
    assert listed["total"] == 1 and listed["users"][0]["userId"] == uid
    assert sim.ok("GET", "/service/users")["total"] == 2      # with the built-in administrator
    assert sim.ok("PUT", "/service/users/%s" % uid, {"roles": ["operator"], "email": "n@example.org",
                                                     "contact": "1", "description": "x"})["userId"] == uid
    assert sim.ok("GET", "/service/users/%s" % uid)["roles"] == ["operator"]
    assert sim.post("/service/users/%s/setRoles" % uid, {"roles": ["novaroleX"], "rightType": 1}).status_code == 200
    assert sim.ok("GET", "/service/roles/query/novaroleX")["userInfo"][0]["userName"] == "nova-fc"
    _err(sim.post("/service/roles/rmv", {"roleName": "novaroleX"}), "10100503")
    _err(sim.put("/service/users/1", {"roles": ["operator"]}), "10100346")
    _err(sim.delete("/service/users/1"), "10100314")
    _err(sim.get("/service/users/999"), "10100307")
    assert sim.delete("/service/users/%s" % uid).status_code == 200
    _err(sim.get("/service/users/%s" % uid), "10100307")


# route: POST /service/users/password/reset
# route: POST /service/users/password/modify
# route: POST /service/users/lockUser
# route: POST /service/users/unLockUser
def test_user_login_password_lock(sim):
    _role(sim)
    uid = sim.ok("POST", "/service/users", NOVA)["userId"]
    nova = Client(sim.url)
    r = nova.login("nova-fc", NOVA["password"])
    assert r.status_code == 200 and r.json()["userId"] == uid and r.json()["roleList"] == ["novaroleX"]
    assert "vm.delete" in r.json()["privilegeIds"] and "vm.create" not in r.json()["privilegeIds"]
    assert nova.login("nova-fc", NOVA["password"], plain=True).status_code == 200
    assert Client(sim.url).login("nova-fc", "Wrong@Pass1").json()["errorCode"] == "10100103"
    _err(nova.post("/service/users/password/modify", {"userId": uid, "oldPassword": "Wrong@Pass1",
                                                      "password": "Other@Pass22"}), "10100318")
    _err(sim.post("/service/users/password/modify", {"userId": uid, "oldPassword": NOVA["password"],
                                                     "password": "Other@Pass22"}), "10100107")
    assert nova.post("/service/users/password/modify", {"userId": uid, "oldPassword": NOVA["password"],
                                                        "password": "Other@Pass22"}).status_code == 200
    _err(nova.delete("/service/users/%s" % uid), "10100312")
    _err(sim.post("/service/users/password/reset", {"userId": uid, "password": "Other@Pass22"}), "10100322")
    assert sim.post("/service/users/password/reset", {"userId": uid, "password": "Reset@Pass33"}).status_code == 200
    assert Client(sim.url).login("nova-fc", "Other@Pass22").status_code == 400
    assert Client(sim.url).login("nova-fc", "Reset@Pass33").status_code == 200
    assert sim.ok("POST", "/service/users/lockUser", {"userId": uid}) == {}
    assert Client(sim.url).login("nova-fc", "Reset@Pass33").json()["errorCode"] == "10100117"
    _err(sim.post("/service/users/lockUser", {"userId": "1"}), "10100063")
    assert sim.ok("POST", "/service/users/unLockUser", {"userId": uid, "password": "x"}) == {}
    assert Client(sim.url).login("nova-fc", "Reset@Pass33").status_code == 200


def _folder(sim, name, parent=None, ftype=1, path="/folders"):
    body = {"name": name, "type": ftype}
    if parent:
        body["parentObjUrn"] = parent
    return sim.post(sim.site + path, body)


# route: POST /service/sites/{site}/folders
# route: POST /service/sites/{site}/folder
# route: GET /service/sites/{site}/folders
# route: GET /service/sites/{site}/folder
# route: GET /service/sites/{site}/folders/{id}
# route: GET /service/sites/{site}/folder/{id}
# route: PUT /service/sites/{site}/folders/{id}
# route: PUT /service/sites/{site}/folder/{id}
# route: DELETE /service/sites/{site}/folders/{id}
# route: DELETE /service/sites/{site}/folder/{id}
# route: GET /service/sites/{site}/folders/{id}/queryFolderTopology
# route: GET /service/sites/{site}/folder/{id}/queryFolderTopology
def test_folders(sim):
    a = _folder(sim, "a").json()
    assert a["urn"].startswith(sim.site_urn + ":folders:") and a["uri"] == "/service/" + "/".join(
        a["urn"].split(":")[1:])
    b = _folder(sim, "b", a["urn"], path="/folder").json()
    c = _folder(sim, "c", b["urn"]).json()
    _err(_folder(sim, "b", a["urn"]), "10300619")
    _err(_folder(sim, "x", a["urn"], ftype=0), "10300627")
    _err(_folder(sim, "x", sim.site_urn + ":folders:999"), "10300621")
    _err(_folder(sim, "x", "urn:sites:4D6B0918:clusters:1"), "10300624")
    _err(_folder(sim, ""), "10300618")
    deep = c["urn"]
    for n in ("d", "e"):
        deep = _folder(sim, n, deep).json().get("urn", deep)
    _err(_folder(sim, "f", deep), "10300628")
    assert [f["name"] for f in sim.ok("GET", sim.site + "/folders", params={"type": 1})["folders"]] == ["a"]
    assert sim.ok("GET", sim.site + "/folder", params={"type": 0})["folders"] == []
    assert [f["name"] for f in sim.ok("GET", sim.site + "/folders",
                                      params={"parentObjUrn": a["urn"]})["folders"]] == ["b"]
    topo = sim.ok("GET", c["uri"] + "/queryFolderTopology")["folders"]
    assert [f["name"] for f in topo] == ["c", "b", "a"] and topo[-1]["parentObjUrn"] == sim.site_urn
    assert sim.ok("GET", sim.site + "/folder/%s/queryFolderTopology" % c["urn"].rsplit(":", 1)[1])["folders"]
    assert sim.ok("GET", sim.site + "/folder/%s" % a["urn"].rsplit(":", 1)[1])["name"] == "a"
    _err(sim.put(a["uri"], {"parentObjUrn": c["urn"]}), "10300629")
    _err(sim.put(b["uri"], {"name": "c" * 257}), "10300618")
    assert sim.put(sim.site + "/folder/%s" % b["urn"].rsplit(":", 1)[1], {"name": "b2"}).status_code == 200
    assert sim.ok("GET", b["uri"])["name"] == "b2"
    _err(sim.delete(a["uri"]), "10300620")
    top = _folder(sim, "top").json()
    assert sim.put(c["uri"], {"parentObjUrn": top["urn"]}).status_code == 200
    assert sim.ok("GET", c["uri"])["parentObjUrn"] == top["urn"]
    assert sim.delete(b["uri"]).status_code == 200
    assert sim.delete(sim.site + "/folder/%s" % a["urn"].rsplit(":", 1)[1]).status_code == 200
    _err(sim.get(a["uri"]), "10300621")


# route: POST /service/sites/{site}/folders/action/move-into-folder
# route: POST /service/sites/{site}/folder/action/move-into-folder
# route: GET /service/sites/{site}/folders/{id}/resource
# route: GET /service/sites/{site}/folder/{id}/resource
def test_vms_and_clusters_in_folders(sim):
    vms = sim.ok("GET", sim.site + "/vms", params={"isTemplate": "true"})["vms"]
    web = _folder(sim, "web").json()
    sub = _folder(sim, "sub", web["urn"]).json()
    cf = _folder(sim, "clusters-eu", ftype=0).json()
    moved = sim.ok("POST", sim.site + "/folders/action/move-into-folder", {
        "elementType": 1, "elementUrns": [vms[0]["urn"], sim.site_urn + ":vms:i-0000FFFF"],
        "parentFolderUrn": web["urn"]})
    assert [m["vmName"] for m in moved["moveVmsSucceededList"]] == [vms[0]["name"]]
    assert moved["moveVmsFaileddList"][0]["errorCode"] == "10000008"
    sim.ok("POST", sim.site + "/folder/action/move-into-folder", {
        "elementType": 1, "elementUrns": [vms[1]["urn"]], "parentFolderUrn": sub["urn"]})
    assert sim.ok("GET", vms[0]["uri"])["params"]["parentObjUrn"] == web["urn"]
    scoped = sim.ok("GET", sim.site + "/vms", params={"scope": web["urn"], "isTemplate": "true"})["vms"]
    assert [v["urn"] for v in scoped] == [vms[0]["urn"]]
    res = sim.ok("GET", web["uri"] + "/resource")
    assert res["totalVMs"] == 2 and res["name"] == "web" and res["memery"] == 8192 and res["disk"] == 70
    assert sim.ok("GET", sim.site + "/folder/%s/resource" % sub["urn"].rsplit(":", 1)[1])["totalVMs"] == 1
    _err(sim.post(sim.site + "/folders/action/move-into-folder", {
        "elementType": 1, "elementUrns": [vms[0]["urn"]], "parentFolderUrn": cf["urn"]}), "10300626")
    _err(sim.post(sim.site + "/folders/action/move-into-folder", {
        "elementType": 0, "elementUrns": [vms[0]["urn"]], "parentFolderUrn": web["urn"]}), "10300626")
    _err(sim.delete(web["uri"]), "10300620")
    sim.ok("POST", sim.site + "/folders/action/move-into-folder", {
        "elementType": 1, "elementUrns": [vms[0]["urn"]], "parentFolderUrn": sim.site_urn})
    assert "parentObjUrn" not in sim.ok("GET", vms[0]["uri"])["params"]
    # clusters live in cluster folders (parentObjUrn of create and modify; the list's parentObjUrn filter)
    cl = sim.ok("POST", sim.site + "/clusters", {"name": "eu-1", "parentObjUrn": cf["urn"]})
    got = sim.ok("GET", cl["uri"])
    assert got["parentObjUrn"] == cf["urn"] and got["parentObjName"] == "clusters-eu"
    _err(sim.post(sim.site + "/clusters", {"name": "eu-2", "parentObjUrn": web["urn"]}), "10300627")
    listed = sim.ok("GET", sim.site + "/clusters", params={"parentObjUrn": cf["urn"]})["clusters"]
    assert [c["name"] for c in listed] == ["eu-1"]
    assert "eu-1" not in [c["name"] for c in sim.ok("GET", sim.site + "/clusters",
                                                   params={"parentObjUrn": "default"})["clusters"]]
    sim.put(cf["uri"], {"name": "clusters-emea"})
    assert sim.ok("GET", cl["uri"])["parentObjName"] == "clusters-emea"
    _err(sim.delete(cf["uri"]), "10300620")
    assert sim.put(cl["uri"], {"parentObjUrn": sim.site_urn}).status_code == 200
    assert sim.delete(cf["uri"]).status_code == 200

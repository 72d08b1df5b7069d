"""Security groups and rules, a NIC's security group, IP/MAC binding, port group switches, MAC segments."""

from test_vm_lifecycle import _blank, _deploy

WEB_RULES = [{"ipProtocol": "TCP", "ipRanges": "10.0.0.0/255.255.255.0", "fromPort": 443, "toPort": 443,
              "direction": 0},
             {"ipProtocol": "icmp", "ipRanges": "10.0.0.1-10.0.0.9", "fromPort": 8, "toPort": 0}]


def _group(sim, name, rules=None):
    body = {"sgName": name, "sgDescription": "test"}
    if rules is not None:
        body["rules"] = rules
    return sim.ok("POST", sim.site + "/securitygroups/addsecuritygroup", body)["sgId"]


def _rules(sim, sg_id):
    return sim.ok("PUT", sim.site + "/securitygroups/%s/action/rules" % sg_id,
                  params={"limit": 100, "offset": 0})["securityGroupRules"]


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


# route: POST /service/sites/{site}/securitygroups/addsecuritygroup
# route: GET /service/sites/{site}/securitygroups
# route: PUT /service/sites/{site}/securitygroups/{id}
# route: PUT /service/sites/{site}/securitygroups/{id}/action/rules
# route: GET /service/sites/{site}/securitygroups/{id}/action/rules
def test_group_create_list_rename(sim):
    sg = _group(sim, "web", WEB_RULES)
    assert isinstance(sg, int)
    groups = sim.ok("GET", sim.site + "/securitygroups", params={"limit": 20, "offset": 0})
    assert groups["total"] == 1
    g = groups["securityGroups"][0]
    assert g["sgName"] == "web" and g["sgDesc"] == "test" and g["rules"] == 2 and g["vmNum"] == 0
    rules = _rules(sim, sg)
    assert [(r["ipProtocol"], r["fromPort"], r["toPort"], r["direction"], r["ipVersion"]) for r in rules] == [
        ("TCP", 443, 443, 0, 4), ("ICMP", 8, 0, 0, 4)]
    assert all(r["securityGroupId"] == sg and r["rulesId"] for r in rules)
    assert sim.ok("GET", sim.site + "/securitygroups/%d/action/rules" % sg)["total"] == 2
    _err(sim.post(sim.site + "/securitygroups/addsecuritygroup", {"sgName": "web"}), "10520031")
    _err(sim.post(sim.site + "/securitygroups/addsecuritygroup", {"sgName": ""}), "10000012")
    _err(sim.post(sim.site + "/securitygroups/addsecuritygroup", {"sgName": "x", "sgDescription": "d" * 1025}),
         "10520026")
    _err(sim.get(sim.site + "/securitygroups", params={"limit": 101, "offset": 0}), "10000013")
    assert sim.put(sim.site + "/securitygroups/%d" % sg, {"sgName": "web2", "sgDescription": "new"}).status_code == 200
    other = _group(sim, "db")
    _err(sim.put(sim.site + "/securitygroups/%d" % other, {"sgName": "web2"}), "10520031")
    _err(sim.put(sim.site + "/securitygroups/999", {"sgName": "z"}), "10520010")
    _err(sim.put(sim.site + "/securitygroups/abc/action/rules"), "10520001")
    assert sim.find("securitygroups", "web2")["sgDesc"] == "new"


def test_rules_that_do_not_fit(sim):
    base = {"ipProtocol": "TCP", "ipRanges": "10.0.0.0/24", "fromPort": 80, "toPort": 80}
    for change, code in (({"ipProtocol": "GRE"}, "10500053"), ({"fromPort": 70000}, "10500053"),
                         ({"fromPort": 90, "toPort": 80}, "10500053"), ({"ipRanges": "10.0.0.0/32"}, "10500006"),
                         ({"ipRanges": "10.0.0.0/255.0.255.0"}, "10500006"),
                         ({"ipRanges": "10.0.0.1/24"}, "10500038"), ({"ipRanges": "10.0.0.9-10.0.0.1"}, "10500053"),
                         ({"ipRanges": "nowhere"}, "10500053"), ({"direction": 2}, "10500053"),
                         ({"toPort": None}, "10500053"), ({"allowedSGID": 4242}, "10520010")):
        rule = dict(base, **change)
        r = sim.post(sim.site + "/securitygroups/addsecuritygroup", {"sgName": "bad", "rules": [rule]})
        _err(r, code)
    _err(sim.post(sim.site + "/securitygroups/addsecuritygroup", {"sgName": "dup", "rules": [base, base]}),
         "10520013")
    assert sim.ok("GET", sim.site + "/securitygroups", params={"limit": 10, "offset": 0})["total"] == 0


# route: PUT /service/sites/{site}/securitygroups/{id}/action/addrules
# route: PUT /service/sites/{site}/securitygroups/{id}/action/delrules
# route: POST /service/sites/{site}/securitygroups/deletesecuritygroup
def test_rule_tasks_and_delete(sim):
    sg = _group(sim, "app")
    uri = sim.site + "/securitygroups/%d" % sg
    task = sim.wait(sim.ok("PUT", uri + "/action/addrules", {"rules": WEB_RULES}))
    assert task["type"] == "AddSecurityGroupRulesTask"
    # the same rule written another way (prefix length instead of a dotted mask) is a duplicate
    same = dict(WEB_RULES[0], ipRanges="10.0.0.0/24")
    _err(sim.put(uri + "/action/addrules", {"rules": [same]}), "10520013")
    ids = [r["rulesId"] for r in _rules(sim, sg)]
    _err(sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg]}), "10520029")
    _err(sim.put(uri + "/action/delrules", {"ruleIds": [99999]}), "10520014")
    task = sim.wait(sim.ok("PUT", uri + "/action/delrules", {"ruleIds": ids}))
    assert task["type"] == "DelSecurityGroupRulesTask" and _rules(sim, sg) == []
    _err(sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": []}), "10520027")
    _err(sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg, sg]}), "10520028")
    _err(sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg + 100]}), "10520010")
    assert sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg]}).status_code == 200
    assert sim.ok("GET", sim.site + "/securitygroups", params={"limit": 10, "offset": 0})["total"] == 0


def test_failed_rule_task_leaves_no_rule(sim):
    sg = _group(sim, "flaky")
    sim.sim("POST", "/faults", {"method": "PUT", "path": "/action/addrules$",
                                "action": {"type": "task_fail", "errorCode": "10520022"}})
    ans = sim.ok("PUT", sim.site + "/securitygroups/%d/action/addrules" % sg, {"rules": WEB_RULES[:1]})
    task = sim.wait(ans, expect="failed")
    assert task["reason"] == "10520022" and _rules(sim, sg) == []


# route: PUT /service/sites/{site}/vms/{vm}/nics/{nic}/securitygroup
def test_nic_security_group(sim):
    sg = _group(sim, "nicgroup")
    pg = sim.find("portgroups", "VM-Network")
    ans, _ = _blank(sim, "sgvm")
    vm = sim.ok("GET", ans["uri"])
    nic = vm["vmConfig"]["nics"][0]
    assert nic["enableSecurityGroup"] is False
    nic_uri = nic["uri"]
    _err(sim.put(nic_uri + "/securitygroup", {"enableSecurityGroup": False, "securityGroupId": sg}), "10321074")
    _err(sim.put(nic_uri + "/securitygroup", {"enableSecurityGroup": True, "securityGroupId": 777}), "10520010")
    answer = sim.ok("PUT", nic_uri + "/securitygroup", {"enableSecurityGroup": True, "securityGroupId": sg})
    assert answer["urn"].startswith(sim.site_urn + ":tasks:") and answer["result"] is True
    sim.wait({"taskUri": answer["uri"]})
    nic = sim.ok("GET", nic_uri)
    assert nic["enableSecurityGroup"] is True and nic["securityGroupId"] == sg
    assert nic["securityGroupName"] == "nicgroup"
    g = sim.ok("GET", sim.site + "/securitygroups", params={"limit": 10, "offset": 0})["securityGroups"][0]
    assert g["vmNum"] == 1 and g["vmList"][0]["vmUrn"] == vm["urn"]
    _err(sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg]}), "10520032")
    # a NIC added with its group
    add = sim.ok("POST", ans["uri"] + "/virtualNics", {"portGroupUrn": pg["urn"], "enableSecurityGroup": True,
                                                       "securityGroupId": sg})
    sim.wait(add)
    assert sim.ok("GET", add["uri"])["securityGroupId"] == sg
    for uri in (nic_uri, add["uri"]):
        sim.wait({"taskUri": sim.ok("PUT", uri + "/securitygroup", {"enableSecurityGroup": False})["uri"]})
    assert sim.ok("GET", nic_uri)["enableSecurityGroup"] is False
    assert sim.post(sim.site + "/securitygroups/deletesecuritygroup", {"sgIds": [sg]}).status_code == 200


def test_no_security_group_on_sriov(sim):
    sg = _group(sim, "sriov")
    dvs = sim.ok("POST", sim.site + "/dvswitchs", {"name": "dvs-sriov", "type": 2})
    pg = sim.ok("POST", dvs["uri"] + "/portgroups", {"name": "sriov-pg", "vlanId": 5})
    ans, _ = _blank(sim, "sriov-vm")
    r = sim.post(ans["uri"] + "/virtualNics", {"portGroupUrn": pg["urn"], "enableSecurityGroup": True,
                                               "securityGroupId": sg})
    _err(r, "10520024")
    _err(sim.put(pg["uri"], {"isDhcpIsolation": True}), "10504025")
    _err(sim.put(pg["uri"], {"isIpMacBind": True}), "10504042")


# route: POST /service/sites/{site}/vms/{vm}/nics/{nic}/bindipmac
# route: POST /service/sites/{site}/vms/{vm}/nics/{nic}/unbindipmac
def test_ip_mac_binding(sim):
    vm, _ = _deploy(sim, name="bound")      # running, with VM Tools: the guest reports its address
    nic = vm["vmConfig"]["nics"][0]
    _err(sim.post(nic["uri"] + "/bindipmac", {"netAddr": "10.1.2.300"}), "10000001")
    task = sim.wait(sim.ok("POST", nic["uri"] + "/bindipmac", {"netAddr": "192.0.2.10"}))
    assert task["type"] == "BindIPMac"
    vsp = sim.ok("GET", sim.site + "/vsps", params={"vmName": vm["name"], "limit": 10, "offset": 0})["vsps"][0]
    assert vsp["netAddr"] == "192.0.2.10" and vsp["vmVifMAC"] == nic["mac"]
    assert sim.ok("GET", nic["uri"])["ip"] == "192.0.2.10"     # the guest can only use the bound address
    _err(sim.post(nic["uri"] + "/bindipmac", {"netAddr": "192.0.2.11"}), "10512004")
    other, _ = _blank(sim, "other")
    other_nic = sim.ok("GET", other["uri"])["vmConfig"]["nics"][0]
    _err(sim.post(other_nic["uri"] + "/bindipmac", {"netAddr": "192.0.2.10"}), "10000009")
    pg = sim.find("portgroups", "dev-vlan200")
    _err(sim.put(nic["uri"], {"portGroupUrn": pg["urn"]}), "10512004")
    assert sim.wait(sim.ok("POST", nic["uri"] + "/unbindipmac"))["type"] == "UnbindIPMac"
    vsp = sim.ok("GET", sim.site + "/vsps", params={"vmName": vm["name"], "limit": 10, "offset": 0})["vsps"][0]
    assert vsp["netAddr"] == ""
    _err(sim.post(nic["uri"] + "/unbindipmac"), "10000009")


def test_portgroup_switches(sim):
    dvs = sim.find("dvswitchs", "dvs-prod")
    pg = sim.ok("POST", dvs["uri"] + "/portgroups", {"name": "guarded", "vlanId": 42, "isIpMacBind": True,
                                                     "isDhcpIsolation": True})
    got = sim.ok("GET", pg["uri"])
    assert got["isIpMacBind"] is True and got["isDhcpIsolation"] is True
    _err(sim.post(dvs["uri"] + "/portgroups", {"name": "trunk", "portType": 1, "vlanRange": "10-20",
                                               "isIpMacBind": True}), "10504016")
    _err(sim.put(pg["uri"], {"ipBcstSuppress": 6000}), "10504026")
    sim.wait(sim.ok("PUT", pg["uri"], {"isDhcpIsolation": False}))
    assert sim.ok("GET", pg["uri"])["isDhcpIsolation"] is False


# route: GET /service/sites/{site}/macsegments
# route: PUT /service/sites/{site}/macsegments
def test_mac_segments(sim):
    assert sim.ok("GET", sim.site + "/macsegments")["macSegments"] == [
        {"begin": "28:6e:d4:00:00:00", "end": "28:6e:d4:ff:ff:ff"}]
    seg = {"begin": "28:6e:d4:10:00:00", "end": "28:6e:d4:10:00:ff"}
    for segs, code in (([], "10300196"), ([seg] * 6, "10300191"),
                       ([{"begin": "28:6e:d4:10:00:ff", "end": "28:6e:d4:10:00:00"}], "10300195"),
                       ([seg, seg], "10300194"),
                       ([seg, {"begin": "28:6e:d4:10:00:80", "end": "28:6e:d4:10:01:00"}], "10300192"),
                       ([{"begin": "01:00:5e:00:00:00", "end": "01:00:5e:00:00:ff"}], "10300193"),
                       ([{"begin": "fe:00:00:00:00:00", "end": "fe:00:00:00:00:ff"}], "10301045"),
                       ([{"begin": "28:6e:d4:zz:00:00", "end": "28:6e:d4:10:00:ff"}], "10300066")):
        _err(sim.put(sim.site + "/macsegments", {"macSegments": segs}), code)
    assert sim.put(sim.site + "/macsegments", {"macSegments": [seg]}).status_code == 200
    assert sim.ok("GET", sim.site + "/macsegments")["macSegments"] == [seg]
    ans, _ = _blank(sim, "macvm")
    mac = sim.ok("GET", ans["uri"])["vmConfig"]["nics"][0]["mac"]
    assert mac.startswith("28:6e:d4:10:00:")

"""DRS rules, VM/host groups and recommendations (FC8DOC ch3 资源调度(DRS)管理)."""

from test_policies import _cycle, _pin_running


def _err(r, code):
    assert r.status_code in (400, 404, 409), (r.status_code, r.text)
    assert r.json()["errorCode"] == code, r.text


def _rules(sim, cluster):
    return sim.ok("GET", cluster["uri"])["drsSetting"]["drsRules"]


def _host_urn(sim, name):
    return sim.find("hosts", name)["urn"]


# route: POST /service/sites/{site}/clusters/{id}/resourcegroups
# route: GET /service/sites/{site}/clusters/{id}/resourcegroups
# route: GET /service/sites/{site}/clusters/{id}/resourcegroups/{gid}
# route: PUT /service/sites/{site}/clusters/{id}/resourcegroups/{gid}
# route: DELETE /service/sites/{site}/clusters/{id}/resourcegroups/{gid}
def test_groups_crud_and_codes(sim):
    prod = sim.find("clusters", "cluster-prod")
    base = prod["uri"] + "/resourcegroups"
    h1, h2 = _host_urn(sim, "cna-prod-01"), _host_urn(sim, "cna-prod-02")
    _err(sim.post(base, {"name": "g"}), "10300201")
    _err(sim.post(base, {"name": "g", "type": 5}), "10300202")
    _err(sim.post(base, {"name": "", "type": 1}), "10300203")
    _err(sim.post(base, {"name": "g", "type": 1, "groupMembers": [{"urn": _host_urn(sim, "cna-dev-01")}]}),
         "10300205")
    _err(sim.post(base, {"name": "g", "type": 1, "policies": ["affinity"]}), "10300834")
    _err(sim.post(base, {"name": "g", "type": 0, "useType": 1}), "10300823")
    _err(sim.post(base, {"name": "g", "type": 0, "useType": 1, "policies": ["affinity", "anti-affinity"]}),
         "10300830")
    _err(sim.post(base, {"name": "g", "type": 1, "groupMembers": [{"urn": h1}, {"urn": h1}]}), "10300211")
    made = sim.ok("POST", base, {"name": "rack-a", "type": 1, "groupMembers": [{"urn": h1}]})
    assert made["urn"].startswith(prod["urn"] + ":resourcegroups:") and made["uri"].startswith(base + "/")
    _err(sim.post(base, {"name": "rack-a", "type": 1}), "10300207")
    listed = sim.ok("GET", base, params={"type": 1})
    assert listed["total"] == 1 and listed["groups"][0]["name"] == "rack-a"
    assert sim.ok("GET", base, params={"type": 0})["total"] == 0
    _err(sim.get(base, params={"useType": 7}), "10300822")
    sim.ok("PUT", made["uri"], {"name": "rack-a1", "groupMembers": [{"urn": h2, "operationType": 1},
                                                                     {"urn": h1, "operationType": 0}]})
    got = sim.ok("GET", made["uri"])
    assert got["name"] == "rack-a1" and [m["urn"] for m in got["groupMembers"]] == [h2]
    _err(sim.put(made["uri"], {"groupMembers": [{"urn": h1}]}), "10300208")
    _err(sim.put(made["uri"], {"groupMembers": [{"urn": h1, "operationType": 0}]}), "10300218")
    _err(sim.put(made["uri"], {"groupMembers": [{"urn": h2, "operationType": 1}]}), "10300211")
    sim.ok("DELETE", made["uri"])
    _err(sim.get(made["uri"]), "10300826")


def test_rule_operations_and_codes(sim):
    prod = sim.find("clusters", "cluster-prod")
    urns = _pin_running(sim, "cna-prod-01", 3, mem=4096)
    dev_vm = _pin_running(sim, "cna-dev-01", 1, mem=4096, cluster="cluster-dev")[0]
    vms = [{"urn": u} for u in urns[:2]]

    def put(rules):
        return sim.put(prod["uri"], {"drsSetting": {"drsRules": rules}})

    _err(put([{"operationType": 2, "ruleName": "a", "ruleType": 9, "vms": vms}]), "10300125")
    _err(put([{"operationType": 2, "ruleName": "a:b", "ruleType": 2, "vms": vms}]), "10300126")
    _err(put([{"operationType": 5}]), "10300127")
    _err(put([{"operationType": 2, "ruleName": "a", "ruleType": 2, "vms": vms + [{"urn": dev_vm}]}]), "10300129")
    _err(put([{"operationType": 0}]), "10300135")
    _err(put([{"operationType": 0, "ruleIndex": 999}]), "10300130")
    _err(put([{"operationType": 2, "ruleName": "a", "ruleType": 2, "vms": vms},
              {"operationType": 2, "ruleName": "a", "ruleType": 1, "vms": vms}]), "10300128")
    assert _rules(sim, prod) == []          # a refused request changes nothing
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 2, "ruleName": "apart", "ruleType": 2, "vms": vms}]}})
    rules = _rules(sim, prod)
    assert len(rules) == 1 and rules[0]["ruleIndex"] >= 1 and rules[0]["createTime"]
    assert sorted(v["urn"] for v in rules[0]["vms"]) == sorted(urns[:2]) and rules[0]["vms"][0]["name"]
    _err(put([{"operationType": 2, "ruleName": "together", "ruleType": 1, "vms": vms}]), "10300246")
    idx = rules[0]["ruleIndex"]
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 1, "ruleIndex": idx, "ruleName": "apart2", "vms": [{"urn": u} for u in urns]}]}})
    rules = _rules(sim, prod)
    assert rules[0]["ruleName"] == "apart2" and len(rules[0]["vms"]) == 3 and rules[0]["ruleType"] == 2
    many = [{"operationType": 2, "ruleName": "r%d" % i, "ruleType": 1, "vms": [{"urn": urns[0]}, {"urn": dev_vm}]}
            for i in range(20)]
    _err(put(many), "10300129")
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [{"operationType": 0, "ruleIndex": idx}]}})
    assert _rules(sim, prod) == []


def _vm_on(sim, cluster, host=None, name="r"):
    """Create a small VM through the API, started (placement picks the host unless one is named)."""
    tpl = sim.find("vms", "tpl-centos7")
    body = {"name": name, "location": host or cluster["urn"], "isTemplate": False, "autoBoot": True,
            "vmConfig": {"cpu": {"quantity": 1}, "memory": {"quantityMB": 1024}}}
    return sim.wait(sim.ok("POST", tpl["uri"] + "/action/clone", body))["entityUrn"]


def test_placement_migration_and_drs_honour_rules(sim):
    prod = sim.find("clusters", "cluster-prod")
    h1, h2, h3 = (_host_urn(sim, "cna-prod-0%d" % i) for i in (1, 2, 3))
    a, b = _pin_running(sim, "cna-prod-01", 1, mem=4096)[0], _pin_running(sim, "cna-prod-02", 1, mem=4096)[0]
    # keep apart: b cannot join a on cna-prod-01
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 2, "ruleName": "apart", "ruleType": 2, "vms": [{"urn": a}, {"urn": b}]}]}})
    _err(sim.post(sim.obj(b)["uri"] + "/action/migrate", {"location": h1}), "10300226")
    sim.wait(sim.ok("POST", sim.obj(b)["uri"] + "/action/migrate", {"location": h3}))
    assert sim.obj(b)["hostUrn"] == h3
    # VM-to-host "must": a VM group pinned to a host group of cna-prod-02 only
    groups = prod["uri"] + "/resourcegroups"
    vg = sim.ok("POST", groups, {"name": "vg", "type": 0, "groupMembers": [{"urn": a}]})
    hg = sim.ok("POST", groups, {"name": "hg", "type": 1, "groupMembers": [{"urn": h2}]})
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 2, "ruleName": "pin", "ruleType": 3, "vm2HostRuleType": 1,
         "vmGroupUrn": vg["urn"], "hostGroupUrn": hg["urn"]}]}})
    _err(sim.delete(vg["uri"]), "10300219")
    _err(sim.put(prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 2, "ruleName": "pin2", "ruleType": 3, "vm2HostRuleType": 2,
         "vmGroupUrn": vg["urn"], "hostGroupUrn": hg["urn"]}]}}), "10300221")
    _err(sim.post(sim.obj(a)["uri"] + "/action/migrate", {"location": h3}), "10300226")
    # manual DRS publishes the repair as a RULES recommendation; applying it moves the VM
    sim.ok("PUT", prod["uri"], {"isEnableDrs": True, "drsSetting": {"drsLevel": 1}})
    _cycle(sim)
    recs = sim.ok("GET", prod["uri"] + "/drsrecommendations")["recommendations"]
    fix = [r for r in recs if r["vmRecommendation"]["vmUrn"] == a]
    assert fix and fix[0]["reason"] == "RULES" and fix[0]["type"] == "migrateVm"
    assert fix[0]["vmRecommendation"]["destinationHostUrn"] == h2
    assert fix[0]["urn"].startswith(prod["urn"] + ":drsrecommendations:")
    sim.wait(sim.ok("POST", fix[0]["uri"] + "/action/apply"))
    assert sim.obj(a)["hostUrn"] == h2
    _err(sim.post(fix[0]["uri"] + "/action/apply"), "10300015")


# route: GET /service/sites/{site}/clusters/{id}/drsrecommendations
# route: POST /service/sites/{site}/clusters/{id}/drsrecommendations/{rid}/action/apply
# route: POST /service/sites/{site}/clusters/{id}/drsrecommendations/action/apply
def test_apply_several_and_automatic_repair(sim):
    prod = sim.find("clusters", "cluster-prod")
    a, b = _pin_running(sim, "cna-prod-01", 2, mem=4096)
    h1 = _host_urn(sim, "cna-prod-01")
    sim.ok("PUT", prod["uri"], {"isEnableDrs": True, "drsSetting": {"drsLevel": 1, "drsRules": [
        {"operationType": 2, "ruleName": "apart", "ruleType": 2, "vms": [{"urn": a}, {"urn": b}]}]}})
    _cycle(sim)
    recs = sim.ok("GET", prod["uri"] + "/drsrecommendations")["recommendations"]
    assert len(recs) == 1 and recs[0]["reason"] == "RULES"
    _err(sim.post(prod["uri"] + "/drsrecommendations/action/apply",
                  {"recommendations": [{"urn": recs[0]["urn"] + "9"}]}), "10300015")
    r = sim.post(prod["uri"] + "/drsrecommendations/action/apply", {"recommendations": [{"urn": recs[0]["urn"]}]})
    assert r.status_code == 200 and not r.content
    assert sim.ok("GET", prod["uri"] + "/drsrecommendations")["recommendations"] == []
    moved = sim.obj(recs[0]["vmRecommendation"]["vmUrn"])
    assert moved["hostUrn"] != h1 or moved["status"] == "migrating"
    # automatic level repairs a violation by itself
    c, d = _pin_running(sim, "cna-prod-03", 2, mem=4096)
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsLevel": 3, "drsRules": [
        {"operationType": 2, "ruleName": "apart2", "ruleType": 2, "vms": [{"urn": c}, {"urn": d}]}]}})
    _cycle(sim)
    _cycle(sim)
    assert sim.obj(c)["hostUrn"] != sim.obj(d)["hostUrn"]


def test_ha_restart_keeps_hard_rules(sim):
    prod = sim.find("clusters", "cluster-prod")
    a = _pin_running(sim, "cna-prod-01", 1, mem=4096)[0]
    b = _pin_running(sim, "cna-prod-02", 1, mem=4096)[0]
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsRules": [
        {"operationType": 2, "ruleName": "apart", "ruleType": 2, "vms": [{"urn": a}, {"urn": b}]}]}})
    sim.sim("POST", "/hosts/%s/fail" % _host_urn(sim, "cna-prod-01"))
    for _ in range(50):
        if sim.obj(a)["status"] == "running":
            break
        _cycle(sim)
    assert sim.obj(a)["status"] == "running"
    assert sim.obj(a)["hostUrn"] == _host_urn(sim, "cna-prod-03")

"""DRS, DPM and HA effects."""

from vrmsim import vms as vmmod


def _pin_running(sim, host_name, count, mem=16384, cluster="cluster-prod"):
    """Create running VMs directly on one host (as if they had been started there)."""
    eng = sim.engine
    with eng.lock:
        cl = [c for c in eng.all("clusters") if c.data["name"] == cluster][0]
        host = [h for h in eng.all("hosts") if h.data["name"] == host_name][0]
        ds = [d for d in eng.all("datastores") if host.urn in d.sim["hosts"] and d.data["storageType"] != "NAS"][0]
        pg = eng.all("portgroups")[0]
        out = []
        for i in range(count):
            vm = vmmod.new_vm(eng, "%s-vm%d" % (host_name, i), cl.urn, cpu=2, mem_mb=mem,
                              disks=[(10, ds.urn, True)], nics=[pg.urn], status="running", host_urn=host.urn)
            out.append(vm.urn)
        eng.store.flush()
    return out


def _cycle(sim):
    """One DRS/DPM scheduling cycle of virtual time (the session expires meanwhile: log in again)."""
    sim.sim("POST", "/clock/advance", {"seconds": 601})
    assert sim.login().status_code == 200


def _hosts_of(sim, urns):
    return [sim.obj(u)["hostUrn"] for u in urns]


def test_drs_rebalances_after_load_is_uneven(sim):
    urns = _pin_running(sim, "cna-prod-01", 8)
    h1 = sim.find("hosts", "cna-prod-01")["urn"]
    assert set(_hosts_of(sim, urns)) == {h1}
    _cycle(sim)
    placed = _hosts_of(sim, urns)
    assert len(set(placed)) == 3, placed
    tasks = sim.ok("GET", sim.site + "/tasks", params={"type": "MigrateVmTask"})["tasks"]
    assert tasks and all(t["user"] == "-_system" for t in tasks)


def test_drs_off_or_manual_does_not_move(sim):
    prod = sim.find("clusters", "cluster-prod")
    sim.ok("PUT", prod["uri"], {"drsSetting": {"drsLevel": 1}})
    urns = _pin_running(sim, "cna-prod-01", 8)
    _cycle(sim)
    h1 = sim.find("hosts", "cna-prod-01")["urn"]
    assert set(_hosts_of(sim, urns)) == {h1}
    recs = sim.ok("GET", prod["uri"] + "/drsrecommendations")
    assert recs["recommendations"] and recs["recommendations"][0]["vmRecommendation"]["sourceHostUrn"] == h1


def test_dpm_powers_idle_hosts_off_and_on(sim):
    dev = sim.find("clusters", "cluster-dev")
    sim.ok("PUT", dev["uri"], {"drsSetting": {"powerLevel": 2}})
    _cycle(sim)
    states = [h["object"]["status"] for h in sim.sim("GET", "/objects?kind=hosts")["objects"]
              if h["object"]["clusterName"] == "cluster-dev"]
    assert states.count("poweroff") == 1
    # load the remaining hosts beyond the high-water mark: DPM powers the host back on
    on = [h["object"]["name"] for h in sim.sim("GET", "/objects?kind=hosts")["objects"]
          if h["object"]["clusterName"] == "cluster-dev" and h["object"]["status"] == "normal"]
    for name in on:
        _pin_running(sim, name, 7, mem=16384, cluster="cluster-dev")
    _cycle(sim)
    states = [h["object"]["status"] for h in sim.sim("GET", "/objects?kind=hosts")["objects"]
              if h["object"]["clusterName"] == "cluster-dev"]
    assert states.count("poweroff") == 0


def test_ha_restarts_protected_vms_only(sim):
    urns = _pin_running(sim, "cna-prod-02", 3)
    eng = sim.engine
    with eng.lock:
        unprotected = eng.find(urns[2])
        unprotected.data["vmConfig"]["properties"]["isEnableHa"] = False
        eng.touch(unprotected)
        eng.store.flush()
    h2 = sim.find("hosts", "cna-prod-02")["urn"]
    sim.sim("POST", "/hosts/%s/fail" % h2)
    assert sim.obj(h2)["status"] == "fault"
    for u in urns[:2]:
        o = sim.obj(u)
        assert o["status"] == "running" and o["hostUrn"] not in ("", h2)
    assert sim.obj(urns[2])["status"] == "stopped"
    ha = sim.ok("GET", sim.site + "/tasks", params={"type": "HaTask"})
    assert ha["total"] == 2
    sim.sim("POST", "/hosts/%s/recover" % h2)
    assert sim.obj(h2)["status"] == "normal"


def test_ha_disabled_cluster_stops_vms(sim):
    dev = sim.find("clusters", "cluster-dev")
    sim.ok("PUT", dev["uri"], {"isEnableHa": False})
    urns = _pin_running(sim, "cna-dev-01", 2, cluster="cluster-dev")
    h = sim.find("hosts", "cna-dev-01")["urn"]
    sim.sim("POST", "/hosts/%s/fail" % h)
    assert {sim.obj(u)["status"] for u in urns} == {"stopped"}

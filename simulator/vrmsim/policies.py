"""Cluster policies: DRS rebalancing, DPM host power management, HA restarts after host failure.

DRS and DPM run every ``SCHEDULE_CYCLE`` virtual seconds (FC8DOC: drsScheduleCycle and
powerScheduleCycle default to 10 minutes). The thresholds and rules are vrmsim's documented choices
(docs/vrmsim-fidelity.md).
"""

import time

from vrmsim import alarms, drs_rules, host_devices, placement
from vrmsim.engine import handler, periodic
from vrmsim.errors import VrmError

SCHEDULE_CYCLE = 600.0
# DRS limen (migration threshold) -> largest allowed difference of host load fractions.
LIMEN_SPREAD = {1: 0.40, 3: 0.30, 5: 0.20, 7: 0.15, 9: 0.10}
MAX_MOVES_PER_CYCLE = 10
# DPM: a host is powered off when the cluster's other hosts stay below this memory load.
DPM_LOW_WATER = {1: 0.30, 3: 0.40, 5: 0.50, 7: 0.60, 9: 0.70}
DPM_HIGH_WATER = 0.80


def _limen(items):
    hour = time.gmtime().tm_hour
    for it in items or []:
        if it.get("fragmentTime") == hour:
            return it.get("limen", 5)
    return 5


def _hosts(engine, cluster):
    return [h for h in engine.all("hosts") if h.data.get("clusterUrn") == cluster.urn]


def _usable(hosts):
    return [h for h in hosts if h.data.get("status") == "normal" and not h.data.get("isMaintaining")]


def _load(engine, host, factor):
    cap_cpu, cap_mem = placement.host_capacity(engine, host)
    used_cpu, used_mem = placement.host_usage(engine, host.urn)
    cpu = used_cpu / float(cap_cpu or 1)
    mem = used_mem / float(cap_mem or 1)
    return {1: cpu, 2: mem}.get(factor, max(cpu, mem))


def _due(engine, cluster, key):
    now = engine.now()
    last = cluster.sim.get(key)
    if last is None:
        cluster.sim[key] = now
        engine.touch(cluster)
        return False
    if now - last < SCHEDULE_CYCLE:
        return False
    cluster.sim[key] = now
    engine.touch(cluster)
    return True


def drs_plan(engine, cluster):
    """Migrations that would balance the cluster: [(vm, from_host, to_host)]."""
    drs = cluster.data.get("drsSetting") or {}
    limen = _limen(drs.get("drsFragmentLimen"))
    if not limen:
        return []
    spread = LIMEN_SPREAD.get(limen, 0.20)
    factor = drs.get("factor", 3)
    hosts = _usable(_hosts(engine, cluster))
    if len(hosts) < 2:
        return []
    moves = []
    moved = set()
    for _i in range(MAX_MOVES_PER_CYCLE):
        loads = sorted(((_load(engine, h, factor), h.urn, h) for h in hosts), key=lambda t: t[:2])
        low, high = loads[0], loads[-1]
        if high[0] - low[0] <= spread:
            break
        candidates = [vm for vm in engine.all("vms") if vm.sim.get("host") == high[2].urn and
                      vm.data.get("status") == "running" and not vm.data.get("isBindingHost") and vm.urn not in moved
                      and not vm.sim.get("busy")]
        # the smallest VM that fits on the least loaded host and narrows the gap
        candidates.sort(key=lambda vm: (placement.vm_demand(vm)[1], vm.urn))
        chosen = None
        for vm in candidates:
            ok, _reason = placement.rank(engine, vm, low[2].urn)
            if ok:
                chosen = vm
                break
        if chosen is None:
            break
        moves.append((chosen, high[2], low[2]))
        moved.add(chosen.urn)
        # apply tentatively so the next iteration sees the new loads
        chosen.sim["host"] = low[2].urn
    for vm, src, _dst in moves:
        vm.sim["host"] = src.urn
    return moves


@periodic
def run_drs(engine):
    for cluster in engine.all("clusters"):
        if not cluster.data.get("isEnableDrs"):
            continue
        if not _due(engine, cluster, "last_drs"):
            continue
        level = (cluster.data.get("drsSetting") or {}).get("drsLevel", 3)
        fixes = drs_rules.rule_moves(engine, cluster, _usable(_hosts(engine, cluster)))
        moves = fixes + [m for m in drs_plan(engine, cluster) if m[0].urn not in [f[0].urn for f in fixes]]
        if level == 3:
            for vm, _src, dst in moves:
                vm.data["status"] = "migrating"
                vm.sim["target_host"] = dst.urn
                task = engine.start_task("MigrateVmTask", vm.urn, vm.data["name"], user="-_system",
                                         done=("vm_migrated", {"host": dst.urn, "status": "running"}),
                                         fail=("vm_status", {"status": "running"}))
                vm.sim["busy"] = task.urn
                engine.touch(vm)
        else:
            balance = "LB_CPU" if (cluster.data.get("drsSetting") or {}).get("factor") == 1 else "LB_MEMORY"
            drs_rules.publish(engine, cluster, moves, ["RULES"] * len(fixes) + [balance] * (len(moves) - len(fixes)))


@periodic
def run_dpm(engine):
    for cluster in engine.all("clusters"):
        drs = cluster.data.get("drsSetting") or {}
        if drs.get("powerLevel") != 2:
            continue
        if not _due(engine, cluster, "last_dpm"):
            continue
        low_water = DPM_LOW_WATER.get(_limen(drs.get("powerFragmentLimen")), 0.5)
        hosts = _hosts(engine, cluster)
        on = [h for h in hosts if h.data["status"] == "normal" and not h.data.get("isMaintaining")]
        off = [h for h in hosts if h.data["status"] == "poweroff" and h.sim.get("dpm_off")]
        loads = {h.urn: _load(engine, h, 2) for h in on}
        busy = [h for h in on if loads[h.urn] > DPM_HIGH_WATER]
        if busy and off:
            _power(engine, off[0], on=True)
            continue
        idle = [h for h in on if not any(vm.sim.get("host") == h.urn and vm.data["status"] in placement.ACTIVE
                                         for vm in engine.all("vms"))]
        others = [h for h in on if h not in idle[:1]]
        if idle and len(on) > 1 and others and max(loads[h.urn] for h in others) < low_water:
            _power(engine, idle[0], on=False)


def _power(engine, host, on):
    host.data["status"] = "booting" if on else "shutdowning"
    host.sim["dpm_off"] = not on
    engine.touch(host)
    engine.start_task("SetHostPowerOn" if on else "SetHostPowerOff", host.urn, host.data["name"], user="-_system",
                      done=("host_power", {"status": "normal" if on else "poweroff"}))


def dpm_wake_for(engine, cluster_urn):
    """Placement found no room: power on a host DPM switched off (returns True when one was started)."""
    for host in engine.all("hosts"):
        if host.data.get("clusterUrn") == cluster_urn and host.data["status"] == "poweroff" and host.sim.get("dpm_off"):
            _power(engine, host, on=True)
            return True
    return False


def host_fail(engine, host_urn):
    """A host stops answering: HA restarts its protected VMs elsewhere, the others stop."""
    host = engine.get(host_urn, "hosts")
    if host.data["status"] == "fault":
        raise VrmError("10000009", "The host is already failed.", status=409)
    host.data["status"] = "fault"
    host.data["haState"] = "fault"
    engine.touch(host)
    alarms.host_failed(engine, host_urn)
    cluster = engine.find(host.data.get("clusterUrn") or "", "clusters")
    ha = bool(cluster and cluster.data.get("isEnableHa"))
    for vm in engine.all("vms"):
        if vm.sim.get("host") != host_urn or vm.data.get("status") not in placement.ACTIVE:
            continue
        # a passthrough VM cannot restart away from its devices: HA leaves it stopped
        protected = ha and vm.data["vmConfig"]["properties"].get("isEnableHa", True) and \
            not host_devices.is_passthrough(vm)
        vm.sim["busy"] = None
        if not protected:
            vm.data["status"] = "stopped"
            vm.data["pvDriverStatus"] = "notRunning"
            vm.sim["host"] = None
            vm.data.update(hostUrn="", hostName="")
            engine.touch(vm)
            continue
        vm.data["status"] = "fault-resuming"
        engine.touch(vm)
        engine.start_task("HaTask", vm.urn, vm.data["name"], user="-_system",
                          done=("ha_restart", {"failed": host_urn}), fail=("vm_status", {"status": "stopped"}))
        alarms.ha_started(engine, vm.urn, host_urn)


@handler("ha_restart")
def _ha_restart(engine, task, failed):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["host"] = None
    try:
        target = placement.choose(engine, vm, vm.data["clusterUrn"], exclude_hosts=(failed,))
    except VrmError:
        vm.data["status"] = "stopped"
        vm.data.update(hostUrn="", hostName="")
        engine.touch(vm)
        raise
    from vrmsim.vms import _set_status, compute_move
    compute_move(engine, vm, target)
    vm.data["status"] = "stopped"
    _set_status(engine, vm, "running")
    alarms.ha_done(engine, vm.urn)


def host_recover(engine, host_urn):
    host = engine.get(host_urn, "hosts")
    host.data["status"] = "normal"
    host.data["haState"] = "alive"
    engine.touch(host)
    alarms.host_recovered(engine, host_urn)

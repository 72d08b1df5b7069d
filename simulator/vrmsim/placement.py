"""Placement: which hosts can run a VM, and which one is chosen.

Filter (every rule must hold): host ``status == "normal"``, not ``isMaintaining``, in the
requested cluster (or the requested host), vCPUs left after CPU overcommit and memory left
(after memory overcommit when the cluster allows it), counting running VMs and in-flight
reservations (VMs starting or migrating to the host), every datastore of the VM's disks
associated with the host, and every DVS of the VM's NICs having an uplink on the host.
Rank: fewest broken soft DRS rules first (drs_rules.py adds the hard ones to the filter), then most free
memory fraction, then most free vCPU fraction, then the host URN (stable).
The failure codes are documented choices (docs/vrmsim-fidelity.md).
"""

from vrmsim.errors import VrmError

CPU_OVERCOMMIT = 4.0        # vCPUs per physical core
MEM_OVERCOMMIT = 1.5        # when the cluster has isMemOvercommit
# VM states that hold CPU and memory on their host.
ACTIVE = ("running", "starting", "migrating", "pause", "stopping", "hibernating", "fault-resuming")

NO_CPU = "10800125"
NO_MEM = "10800126"
NO_NET = "10800127"
NO_DS = "10800128"
NO_HOST = "10800131"

# Other units add rules here. A filter ``f(engine, vm, host)`` answers None when the host may run the VM,
# else the VRM code of the refusal; a penalty ``f(engine, vm, host)`` counts soft rules the host breaks
# (hosts with fewer come first).
HOST_FILTERS = []
HOST_PENALTIES = []


def vm_demand(vm):
    cfg = vm.data.get("vmConfig", {})
    cpu = int(cfg.get("cpu", {}).get("quantity", 1))
    mem = int(cfg.get("memory", {}).get("quantityMB", 1024))
    return cpu, mem


def vm_datastores(engine, vm):
    out = set()
    for d in vm.data.get("vmConfig", {}).get("disks", []):
        vol = engine.find(d.get("volumeUrn", ""), "volumes")
        ds = vol.data.get("datastoreUrn") if vol else d.get("datastoreUrn")
        if ds:
            out.add(ds)
    return out


def vm_dvss(vm):
    out = set()
    for n in vm.data.get("vmConfig", {}).get("nics", []):
        pg = n.get("portGroupUrn", "")
        if ":portgroups:" in pg:
            out.add(pg.split(":portgroups:")[0])
    return out


def _host_loads(engine):
    """host URN -> [cpu, memory, running VMs] over every active VM, in one pass."""
    loads = {}
    for vm in engine.all("vms"):
        if vm.data.get("status") not in ACTIVE:
            continue
        c, m = vm_demand(vm)
        here, target = vm.sim.get("host"), vm.sim.get("target_host")
        for h in {here, target}:
            if h:
                acc = loads.setdefault(h, [0, 0, 0])
                acc[0] += c
                acc[1] += m
        if here:
            loads.setdefault(here, [0, 0, 0])[2] += 1
    return loads


def host_vm_count(engine, host_urn):
    """Active VMs whose current host is ``host_urn``."""
    return engine.memo("host_loads", _host_loads).get(host_urn, (0, 0, 0))[2]


def host_usage(engine, host_urn, exclude=None):
    if exclude is None:
        c, m, _n = engine.memo("host_loads", _host_loads).get(host_urn, (0, 0, 0))
        return c, m
    cpu = mem = 0
    for vm in engine.all("vms"):
        if exclude is not None and vm.urn == exclude:
            continue
        if vm.data.get("status") in ACTIVE and (vm.sim.get("host") == host_urn or vm.sim.get("target_host") == host_urn):
            c, m = vm_demand(vm)
            cpu += c
            mem += m
    return cpu, mem


def host_capacity(engine, host):
    cluster = engine.find(host.data.get("clusterUrn") or "", "clusters")
    mem_ratio = MEM_OVERCOMMIT if cluster is not None and cluster.data.get("isMemOvercommit") else 1.0
    cores = int(host.data.get("cpuQuantity", 0))
    return int(cores * CPU_OVERCOMMIT), int(int(host.data.get("memQuantityMB", 0)) * mem_ratio)


def host_datastores(engine, host_urn):
    return {ds.urn for ds in engine.all("datastores") if host_urn in ds.sim.get("hosts", [])}


def host_dvss(engine, host_urn):
    out = set()
    for dvs in engine.all("dvswitchs"):
        for hp in dvs.data.get("hostPortSet", []):
            if hp.get("hostUrn") == host_urn:
                out.add(dvs.urn)
    return out


def hosts_in_scope(engine, location):
    """Hosts of a cluster URN, a single host URN, or (None/site) every host."""
    if not location or location == engine.site_urn:
        return engine.all("hosts")
    if ":hosts:" in location:
        return [engine.get(location, "hosts")]
    engine.get(location, "clusters")
    return [h for h in engine.all("hosts") if h.data.get("clusterUrn") == location]


def rank(engine, vm, location, exclude_hosts=(), demand=None, datastores=None, dvss=None):
    """Return ``(candidates, reason)``: hosts able to run the VM, best first."""
    cpu, mem = demand or vm_demand(vm)
    need_ds = vm_datastores(engine, vm) if datastores is None else set(datastores)
    need_dvs = vm_dvss(vm) if dvss is None else set(dvss)
    reasons = []
    scored = []
    for host in hosts_in_scope(engine, location):
        if host.urn in exclude_hosts:
            continue
        if host.data.get("status") != "normal" or host.data.get("isMaintaining"):
            reasons.append(NO_HOST)
            continue
        if need_ds and not need_ds <= host_datastores(engine, host.urn):
            reasons.append(NO_DS)
            continue
        if need_dvs and not need_dvs <= host_dvss(engine, host.urn):
            reasons.append(NO_NET)
            continue
        refusal = next((code for code in (f(engine, vm, host) for f in HOST_FILTERS) if code), None)
        if refusal:
            reasons.append(refusal)
            continue
        cap_cpu, cap_mem = host_capacity(engine, host)
        used_cpu, used_mem = host_usage(engine, host.urn, exclude=vm.urn if vm is not None else None)
        if used_mem + mem > cap_mem:
            reasons.append(NO_MEM)
            continue
        if used_cpu + cpu > cap_cpu:
            reasons.append(NO_CPU)
            continue
        free_mem = (cap_mem - used_mem - mem) / float(cap_mem or 1)
        free_cpu = (cap_cpu - used_cpu - cpu) / float(cap_cpu or 1)
        penalty = sum(f(engine, vm, host) for f in HOST_PENALTIES)
        scored.append((penalty, -free_mem, -free_cpu, host.urn, host))
    scored.sort(key=lambda t: t[:4])
    reason = None
    if not scored:
        ordered = (NO_MEM, NO_CPU, NO_DS, NO_NET, NO_HOST)
        for code in [c for c in reasons if c not in ordered] + list(ordered):
            if code in reasons:
                reason = code
                break
        reason = reason or NO_HOST
    return [t[4] for t in scored], reason


MESSAGES = {
    NO_CPU: "No host in the target has enough free vCPU capacity for the VM.",
    NO_MEM: "No host in the target has enough free memory for the VM.",
    NO_NET: "No host in the target is connected to the DVS of the VM's port groups.",
    NO_DS: "No host in the target is associated with the datastores of the VM's disks.",
    NO_HOST: "No host in the target is available (normal, powered on and not in maintenance mode).",
}


def choose(engine, vm, location, exclude_hosts=(), **kw):
    hosts, reason = rank(engine, vm, location, exclude_hosts, **kw)
    if not hosts:
        raise VrmError(reason, MESSAGES[reason])
    return hosts[0]

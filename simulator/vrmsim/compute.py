"""Session, versions, sites, tasks and clusters (CNA hosts are in ``hosts``)."""

from vrmsim import folders, placement
from vrmsim.common import as_bool, as_int, as_str, fuzzy, lst, nonempty_filter, obj, page, site_check
from vrmsim.engine import renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route

# ---------------------------------------------------------------------------------------------
# Session and versions


@route("POST", "/service/session", auth=False)
def login(engine, req):
    """Log in (X-Auth-User, X-Auth-Key, X-ENCRIPT-ALGORITHM, X-Auth-UserType, X-Auth-AuthType)."""
    h = req.headers
    user = h.get("X-Auth-User")
    key = h.get("X-Auth-Key")
    if not user or not key:
        raise VrmError("10100103", "The user name or password is incorrect.")
    algo = h.get("X-ENCRIPT-ALGORITHM", h.get("X-ENCRYPT-ALGORITHM", "0")) or "0"
    if algo not in ("0", "1"):
        raise VrmError("10000001", "X-ENCRIPT-ALGORITHM must be 0 (SHA-256) or 1 (plain text).")
    auth_type = h.get("X-Auth-AuthType", "0") or "0"
    if auth_type not in ("0", "1"):
        raise VrmError("10100132", "The authentication type is invalid.")
    if auth_type == "1":
        raise VrmError("10100119", "No cascade controller is configured.")
    user_type = h.get("X-Auth-UserType", "2") or "2"
    if user_type not in ("0", "1", "2"):
        raise VrmError("10100132", "The user type is invalid.")
    token = engine.login(user, key, algo == "1", user_type)
    sess = engine.sessions[token]
    body = {"validity": 600000, "privilegeIds": list(sess.get("privilegeIds", [])), "userId": sess["userId"],
            "userName": user, "roleList": list(sess["roleList"]), "rightType": 1}
    return 200, body, {"X-Auth-Token": token}


@route("DELETE", "/service/session")
def logout(engine, req):
    """Log out (200, no body)."""
    engine.expire_token(req.headers.get("X-Auth-Token"))
    return None


@route("GET", "/service/versions", auth=False)
def versions(engine, req):
    """Supported interface versions (no token needed)."""
    return {"versions": [{"version": v, "loginUri": "/service/session"}
                         for v in ("v1.0", "v6.0", "v6.3", "v6.5", "v8.0")]}


# ---------------------------------------------------------------------------------------------
# Sites

SITE_LIST_FIELDS = ("urn", "uri", "name", "ip", "isDC", "isSelf", "status", "mgntNetworkType")


@renderer("sites")
def render_site(engine, rec, view):
    if view == "list":
        return {k: rec.data.get(k) for k in SITE_LIST_FIELDS}
    return dict(rec.data)


@route("GET", "/service/sites")
def list_sites(engine, req):
    """List sites (no paging)."""
    return {"sites": [engine.render(s, "list") for s in engine.all("sites")]}


@route("GET", "/service/sites/{site}")
def get_site(engine, req):
    """Get one site."""
    site_check(engine, req)
    return engine.render(engine.get(engine.site_urn, "sites"))


@route("PUT", "/service/sites/{site}")
def modify_site(engine, req):
    """Modify site name, description, NTP and time zone (200, no body, no task)."""
    site_check(engine, req)
    site = engine.get(engine.site_urn, "sites")
    body = req.json()
    if "name" in body:
        site.data["name"] = as_str(body["name"], "name", 1, 256)
    if "description" in body:
        site.data["description"] = as_str(body["description"], "description", 0, 1024)
    for f in ("ntpIp", "ntpIp2", "ntpIp3", "ntpBridgeIp"):
        if f in body:
            site.data[f] = as_str(body[f], f, 0, 128)
    if "ntpCycle" in body:
        site.data["ntpCycle"] = as_int(body["ntpCycle"], "ntpCycle", 16, 4096)
    if "timeZone" in body:
        site.data["timeZone"] = as_str(body["timeZone"], "timeZone", 1, 64)
    engine.touch(site)
    return None


def new_site(engine, site_id, name):
    urn = "urn:sites:" + site_id
    return engine.add("sites", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "ip": "127.0.0.1", "isDC": False,
        "isSelf": True, "status": "normal", "mgntNetworkType": "ipv4", "description": "",
        "ntpIp": "", "ntpIp2": "", "ntpIp3": "", "ntpCycle": 64, "timeZone": "UTC", "ntpBridgeIp": ""})


# ---------------------------------------------------------------------------------------------
# Tasks

@renderer("tasks")
def render_task(engine, rec, view):
    out = dict(rec.data)
    out["progress"] = engine.task_progress(rec)
    if out["status"] in ("running", "waiting"):
        out.pop("finishTime", None)
        out["costTime"] = "null"
    return out


@route("GET", "/service/sites/{site}/tasks/{id}")
def get_task(engine, req):
    """Get a task."""
    site_check(engine, req)
    return engine.render(engine.get("%s:tasks:%s" % (engine.site_urn, req.params["id"]), "tasks"))


@route("GET", "/service/sites/{site}/tasks")
def list_tasks(engine, req):
    """List tasks newest first (scope, entityUrn, type, status, user, cancelled, taskUrns)."""
    site_check(engine, req)
    tasks = engine.all("tasks")
    scope = req.q("scope")
    entity = req.q("entityUrn")
    ttype = req.q("type")
    status = req.q("status")
    user = req.q("user")
    cancelled = req.qbool("cancelled")
    urns = req.qlist("taskUrns")
    out = []
    for t in tasks:
        d = t.data
        if entity and d["entityUrn"] != entity:
            continue
        if scope and scope != engine.site_urn and not _in_scope(engine, d["entityUrn"], scope):
            continue
        if ttype and d["type"] != ttype:
            continue
        if status and engine.render(t)["status"] != status:
            continue
        if user and d.get("user") != user:
            continue
        if cancelled is not None and d.get("cancelled") != cancelled:
            continue
        if urns and t.urn not in urns:
            continue
        out.append(t)
    out.sort(key=lambda t: (t.sim.get("start", 0), int(t.data["taskId"])), reverse=True)
    res = page(out, req, "tasks", all_when_absent=False)
    res["tasks"] = [engine.render(t, "list") for t in res["tasks"]]
    return res


def _in_scope(engine, entity, scope):
    if entity == scope or entity.startswith(scope + ":"):
        return True
    rec = engine.find(entity)
    if rec is None:
        return False
    d = rec.data
    return scope in (d.get("clusterUrn"), d.get("hostUrn"), rec.sim.get("host"))


@route("POST", "/service/sites/{site}/tasks/{id}/cancel")
def cancel_task(engine, req):
    """Cancel a task (only hanging or long-running cancelable tasks)."""
    site_check(engine, req)
    task = engine.get("%s:tasks:%s" % (engine.site_urn, req.params["id"]), "tasks")
    if task.data["status"] not in ("running", "waiting"):
        raise VrmError("10800002", "The task has finished or does not exist.")
    if not task.data.get("cancelable"):
        raise VrmError("10800001", "This type of task cannot be cancelled.")
    return None


# ---------------------------------------------------------------------------------------------
# Clusters

CLUSTER_LIST_FIELDS = ("urn", "uri", "name", "parentObjUrn", "parentObjName", "description", "tag", "arch",
                       "isEnableDrs", "isEnableHa", "params")


def cluster_resources(engine, cluster_urn):
    hosts = [h for h in engine.all("hosts") if h.data.get("clusterUrn") == cluster_urn]
    cpu_total = cpu_alloc = mem_total = mem_alloc = vcpus_total = vcpus_alloc = 0
    for h in hosts:
        if h.data.get("status") != "normal":
            continue
        mhz = int(h.data.get("cpuMHz", 0))
        cores = int(h.data.get("cpuQuantity", 0))
        cpu_total += cores * mhz
        mem_total += int(h.data.get("memQuantityMB", 0))
        vcpus_total += cores
        used_cpu, used_mem = placement.host_usage(engine, h.urn)
        cpu_alloc += used_cpu * mhz
        vcpus_alloc += used_cpu
        mem_alloc += used_mem
    return {"cpuResource": {"totalSizeMHz": cpu_total, "allocatedSizeMHz": cpu_alloc,
                            "allocatedVcpus": vcpus_alloc, "totalVcpus": vcpus_total},
            "memResource": {"totalSizeMB": mem_total, "allocatedSizeMB": mem_alloc,
                            "realtimeUsedSizeMB": int(mem_alloc * 0.7)}}


@renderer("clusters")
def render_cluster(engine, rec, view):
    res = cluster_resources(engine, rec.urn)
    cpu = {k: res["cpuResource"][k] for k in ("totalSizeMHz", "allocatedSizeMHz")}
    mem = {k: res["memResource"][k] for k in ("totalSizeMB", "allocatedSizeMB", "realtimeUsedSizeMB")}
    if view == "list":
        out = {k: rec.data.get(k) for k in CLUSTER_LIST_FIELDS}
    else:
        out = dict(rec.data)
        out["statistics"] = rec.data["uri"] + "/statistics"
    out["cpuResource"] = cpu
    out["memResource"] = mem
    return out


def _check_cluster_name(engine, name, exclude=None):
    for c in engine.all("clusters"):
        if c.data["name"] == name and c.urn != exclude:
            raise VrmError("10300091", "A cluster named %s already exists." % name)


def _validate_drs(value):
    drs = obj(value, "drsSetting")
    out = {}
    if "drsLevel" in drs:
        out["drsLevel"] = as_int(drs["drsLevel"], "drsSetting.drsLevel", code="10300123")   # FC8DOC codes
        if out["drsLevel"] not in (1, 3):
            raise VrmError("10300123", "drsSetting.drsLevel must be 1 (manual) or 3 (automatic).")
    if "powerLevel" in drs:
        out["powerLevel"] = as_int(drs["powerLevel"], "drsSetting.powerLevel", 0, 2)
    if "factor" in drs:
        out["factor"] = as_int(drs["factor"], "drsSetting.factor", 1, 3, code="10300214")
    for key in ("drsFragmentLimen", "powerFragmentLimen"):
        if key in drs:
            items = lst(drs[key], "drsSetting." + key)
            for it in items:
                it = obj(it, "drsSetting." + key + "[]")
                as_int(it.get("fragmentTime"), key + ".fragmentTime", 0, 23, code="10300216")
                if as_int(it.get("limen"), key + ".limen", code="10300124") not in (0, 1, 3, 5, 7, 9):
                    raise VrmError("10300124", "%s.limen must be 0, 1, 3, 5, 7 or 9." % key)
            out[key] = items
    for key in ("drsCycle", "dpmCycle", "dpmThresholds", "electricStrategy", "drsRules"):   # drsRules: drs_rules.py
        if key in drs:
            out[key] = drs[key]
    return out


def _validate_ha(value, field, hosts=0):
    """``hosts``: how many hosts the cluster has (FC8DOC: hostsFaultQuantity is 1 to that, 1 when empty)."""
    ha = obj(value, field)
    acs = obj(ha.get("accessControlSetting"), field + ".accessControlSetting")
    if "accessControlPolicy" in acs:
        as_int(acs["accessControlPolicy"], "accessControlPolicy", 0, 2, code="10300625")
    for k in ("cpuReservation", "memoryReservation"):
        if k in acs:
            as_int(acs[k], k, 0, 50)
    if "hostsFaultQuantity" in acs:
        n = as_int(acs["hostsFaultQuantity"], "hostsFaultQuantity", code="10300625")
        if n is None or not 1 <= n <= max(1, hosts):
            raise VrmError("10300625", "The field hostsFaultQuantity must be from 1 to the cluster's number of "
                                       "hosts (%d; 1 for an empty cluster)." % hosts)
    hr = obj(ha.get("hostRelatedFaultResponse"), field + ".hostRelatedFaultResponse")
    if "hostFaultResponse" in hr:
        as_int(hr["hostFaultResponse"], "hostFaultResponse", 1, 2)
    return ha


DEFAULT_DRS = {"drsLevel": 3, "factor": 3, "powerLevel": 0,
               "drsFragmentLimen": [{"fragmentTime": h, "limen": 5} for h in range(24)],
               "powerFragmentLimen": [{"fragmentTime": h, "limen": 5} for h in range(24)],
               "drsCycle": {"cycleType": 1, "cycleSpec": []}, "drsRules": []}
DEFAULT_HA = {"ishostRelatedFaultResponse": True,
              "hostRelatedFaultResponse": {"hostFaultResponse": 2, "hostDatastoreFaultResponse": 1,
                                           "vimsIOHangTimeout": 14400},
              "vmRelatedFaultResponse": {"vmFaultProcess": 1},
              "isAccessControl": False,
              "accessControlSetting": {"accessControlPolicy": 0, "cpuReservation": 0, "memoryReservation": 0,
                                       "hostsFaultQuantity": 1, "failoverHosts": []},
              "isMassFaultControl": False}


def _merge(base, upd):
    out = dict(base)
    for k, v in upd.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def new_cluster(engine, name, description="", drs=None, ha=None, is_enable_drs=False, is_enable_ha=True,
                mem_overcommit=False, tag=""):
    urn = engine.new_urn("clusters")
    return engine.add("clusters", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description, "tag": tag,
        "arch": "x86", "parentObjUrn": engine.site_urn, "parentObjName": engine.get(engine.site_urn).data["name"],
        "isMemOvercommit": mem_overcommit, "isEnableHa": is_enable_ha,
        "haSetting": _merge(DEFAULT_HA, ha or {}), "isEnableDrs": is_enable_drs,
        "drsSetting": _merge(DEFAULT_DRS, drs or {}), "resStrategy": "loadBalance", "isEnableImc": False,
        "imcSetting": "", "enableGuestNuma": False, "enableHostNumaDRS": False, "enableIOTailor": False,
        "isAutoAdjustNuma": False, "maxCpuQuantity": 0, "drsExtensionConfig": [], "drsVmConfig": [],
        "params": {}, "cpuVendor": "Intel", "osVendor": "euler"}, {"last_drs": None, "last_dpm": None})


@route("GET", "/service/sites/{site}/clusters")
def list_clusters(engine, req):
    """List clusters (name fuzzy, tag, parentObjUrn, clusterUrns; no paging)."""
    site_check(engine, req)
    name = nonempty_filter(req, "name")
    tag = req.q("tag")
    urns = req.qlist("clusterUrns")
    parent = req.q("parentObjUrn")
    if parent == "default":
        parent = engine.site_urn
    out = []
    for c in engine.all("clusters"):
        if name is not None and not fuzzy(c.data["name"], name):
            continue
        if parent and c.data.get("parentObjUrn") != parent:
            continue
        if tag and c.data.get("tag") != tag:
            continue
        if urns and c.urn not in urns:
            continue
        out.append(engine.render(c, "list"))
    return {"clusters": out}


@route("POST", "/service/sites/{site}/clusters")
def create_cluster(engine, req):
    """Create a cluster (synchronous, answers {urn, uri})."""
    site_check(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    _check_cluster_name(engine, name)
    drs = _validate_drs(body.get("drsSetting"))
    drs.pop("drsRules", None)           # FC8DOC: rules are not sent on create; PUT <cluster> adds them
    ha = _validate_ha(body.get("haSetting") or body.get("haResSetting"), "haSetting")
    rec = new_cluster(engine, name, as_str(body.get("description"), "description", 0, 1024, default=""),
                      drs=drs, ha=ha, is_enable_drs=as_bool(body.get("isEnableDrs"), "isEnableDrs", False),
                      is_enable_ha=as_bool(body.get("isEnableHa"), "isEnableHa", True),
                      mem_overcommit=as_bool(body.get("isMemOvercommit"), "isMemOvercommit", False),
                      tag=as_str(body.get("tag"), "tag", 0, 64, default="", code="10000015"))
    if body.get("parentObjUrn"):
        rec.data.update(folders.cluster_parent(engine, body["parentObjUrn"]))
    for f in ("resStrategy",):
        if f in body:
            if body[f] not in ("loadBalance", "random"):
                raise VrmError("10300200", "resStrategy must be loadBalance or random.")
            rec.data[f] = body[f]
    for f in ("enableGuestNuma", "enableHostNumaDRS", "enableIOTailor", "isAutoAdjustNuma", "isEnableImc"):
        if f in body:
            rec.data[f] = as_bool(body[f], f)
    return {"urn": rec.urn, "uri": rec.data["uri"]}


@route("GET", "/service/sites/{site}/clusters/{id}")
def get_cluster(engine, req):
    """Get a cluster with its DRS, DPM (powerLevel) and HA policy."""
    site_check(engine, req)
    return engine.render(engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters"))


@route("PUT", "/service/sites/{site}/clusters/{id}")
def modify_cluster(engine, req):
    """Modify a cluster (synchronous, 200 without a body)."""
    site_check(engine, req)
    rec = engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters")
    body = req.json()
    updates = {}
    if "name" in body:
        updates["name"] = as_str(body["name"], "name", 1, 256)
        _check_cluster_name(engine, updates["name"], exclude=rec.urn)
    if "description" in body:
        updates["description"] = as_str(body["description"], "description", 0, 1024)
    if "tag" in body:
        updates["tag"] = as_str(body["tag"], "tag", 0, 64, code="10000015")
    if body.get("parentObjUrn"):
        updates.update(folders.cluster_parent(engine, body["parentObjUrn"]))
    for f in ("isEnableDrs", "isEnableHa", "isMemOvercommit", "enableGuestNuma", "enableHostNumaDRS",
              "enableIOTailor", "isAutoAdjustNuma", "isEnableImc"):
        if f in body:
            updates[f] = as_bool(body[f], f)
    if "resStrategy" in body:
        if body["resStrategy"] not in ("loadBalance", "random"):
            raise VrmError("10300200", "resStrategy must be loadBalance or random.")
        updates["resStrategy"] = body["resStrategy"]
    drs = _validate_drs(body.get("drsSetting")) if "drsSetting" in body else None
    ha_raw = body.get("haSetting", body.get("haResSetting"))
    members = sum(1 for h in engine.all("hosts") if h.data.get("clusterUrn") == rec.urn)
    ha = _validate_ha(ha_raw, "haSetting", members) if ha_raw is not None else None
    if updates.get("isMemOvercommit") is False and rec.data.get("isMemOvercommit"):
        for h in engine.all("hosts"):
            if h.data.get("clusterUrn") == rec.urn:
                used = placement.host_usage(engine, h.urn)[1]
                if used > int(h.data.get("memQuantityMB", 0)):
                    raise VrmError("10300016", "Memory overcommit cannot be disabled: host %s has more memory "
                                               "allocated than it has." % h.data["name"])
    if drs is not None and "drsRules" in drs:
        from vrmsim.drs_rules import apply_rule_ops
        drs["drsRules"] = apply_rule_ops(engine, rec, drs["drsRules"])
    rec.data.update(updates)
    if drs is not None:
        rec.data["drsSetting"] = _merge(rec.data.get("drsSetting", {}), drs)
    if ha is not None:
        rec.data["haSetting"] = _merge(rec.data.get("haSetting", {}), ha)
    if "name" in updates:
        for h in engine.all("hosts"):
            if h.data.get("clusterUrn") == rec.urn:
                h.data["clusterName"] = updates["name"]
                engine.touch(h)
        for vm in engine.all("vms"):
            if vm.data.get("clusterUrn") == rec.urn:
                vm.data["clusterName"] = updates["name"]
                engine.touch(vm)
    engine.touch(rec)
    return None


@route("DELETE", "/service/sites/{site}/clusters/{id}")
def delete_cluster(engine, req):
    """Delete an empty cluster (10300029 VMs remain, 10300030 hosts remain)."""
    site_check(engine, req)
    rec = engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters")
    if any(vm.data.get("clusterUrn") == rec.urn for vm in engine.all("vms")):
        raise VrmError("10300029", "The cluster still contains VMs.")
    if any(h.data.get("clusterUrn") == rec.urn for h in engine.all("hosts")):
        raise VrmError("10300030", "The cluster still contains hosts.")
    engine.remove(rec.urn)
    return None


@route("GET", "/service/sites/{site}/clusters/{id}/computeresource")
def cluster_computeresource(engine, req):
    """Cluster capacity of running VMs."""
    site_check(engine, req)
    rec = engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters")
    res = cluster_resources(engine, rec.urn)
    return {"cpuResource": {k: res["cpuResource"][k] for k in ("totalSizeMHz", "allocatedSizeMHz", "allocatedVcpus")},
            "memResource": res["memResource"]}


@route("GET", "/service/sites/{site}/clusters/{id}/allvmcomputeresource")
def cluster_allvm(engine, req):
    """Cluster capacity counting stopped VMs too (isNeedAllocVcpus, detail)."""
    site_check(engine, req)
    rec = engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters")
    res = cluster_resources(engine, rec.urn)
    stopped_cpu = stopped_mem = 0
    for vm in engine.all("vms"):
        if vm.data.get("clusterUrn") == rec.urn and not vm.data.get("isTemplate") and \
                vm.data.get("status") not in placement.ACTIVE:
            c, m = placement.vm_demand(vm)
            stopped_cpu += c
            stopped_mem += m
    cpu = {"totalSizeMHz": res["cpuResource"]["totalSizeMHz"],
           "allocatedSizeMHz": res["cpuResource"]["allocatedSizeMHz"]}
    mem = {"totalSizeMB": res["memResource"]["totalSizeMB"],
           "allocatedSizeMB": res["memResource"]["allocatedSizeMB"] + stopped_mem}
    if req.qbool("isNeedAllocVcpus"):
        cpu["allocatedVcpus"] = res["cpuResource"]["allocatedVcpus"] + stopped_cpu
        cpu["totalVcpus"] = res["cpuResource"]["totalVcpus"]
    out = {"cpuResource": cpu, "memResource": mem}
    if req.qbool("detail"):
        out["detailCpuResource"] = {"allocatedVcpus": {"Running": res["cpuResource"]["allocatedVcpus"],
                                                       "Stopped": stopped_cpu}}
        out["detailMemResource"] = {"allocatedSizeMB": {"Running": res["memResource"]["allocatedSizeMB"],
                                                        "Stopped": stopped_mem}}
    return out

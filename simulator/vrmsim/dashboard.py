"""The read-only dashboard at ``/`` and its data at ``/_sim/dashboard.json``.

The page is static HTML with a small script that fetches the JSON every two seconds and renders
sites, clusters, hosts (CPU and memory use), datastores (used and provisioned space), VMs and the
most recent tasks.
"""

from vrmsim import VERSION, placement, storage

RECENT_TASKS = 25


def data(engine):
    site = engine.render(engine.get(engine.site_urn))
    clusters = []
    for c in engine.all("clusters"):
        v = engine.render(c)
        clusters.append({"name": v["name"], "urn": c.urn, "drs": bool(v.get("isEnableDrs")),
                         "ha": bool(v.get("isEnableHa")), "dpm": (v.get("drsSetting") or {}).get("powerLevel", 0) != 0,
                         "cpu_total_mhz": v["cpuResource"]["totalSizeMHz"],
                         "mem_total_mb": v["memResource"]["totalSizeMB"]})
    hosts = []
    for h in engine.all("hosts"):
        cap_cpu, cap_mem = placement.host_capacity(engine, h)
        used_cpu, used_mem = placement.host_usage(engine, h.urn)
        cl = engine.find(h.data.get("clusterUrn") or "", "clusters")
        hosts.append({"name": h.data["name"], "ip": h.data["ip"], "cluster": cl.data["name"] if cl else "",
                      "status": h.data["status"], "maintenance": bool(h.data.get("isMaintaining")),
                      "vcpus_used": used_cpu, "vcpus_capacity": cap_cpu, "mem_used_mb": used_mem,
                      "mem_capacity_mb": cap_mem})
    datastores = []
    for d in engine.all("datastores"):
        used, prov = storage.datastore_usage(engine, d.urn)
        datastores.append({"name": d.data["name"], "type": d.data["storageType"],
                           "capacity_gb": d.data.get("actualCapacityGB", 0), "used_gb": round(used / 1024.0, 1),
                           "provisioned_gb": round(prov / 1024.0, 1), "hosts": len(d.sim.get("hosts", []))})
    vms = []
    for vm in engine.all("vms"):
        cfg = vm.data["vmConfig"]
        vms.append({"name": vm.data["name"], "status": vm.data["status"], "template": bool(vm.data.get("isTemplate")),
                    "host": vm.data.get("hostName") or "", "cluster": vm.data.get("clusterName") or "",
                    "cpu": cfg["cpu"]["quantity"], "mem_mb": cfg["memory"]["quantityMB"],
                    "ip": ", ".join(n["ip"] for n in cfg["nics"] if n.get("ip") not in (None, "", "0.0.0.0"))})
    tasks = sorted(engine.all("tasks"), key=lambda t: (t.sim.get("start", 0), int(t.data["taskId"])),
                   reverse=True)[:RECENT_TASKS]
    task_rows = []
    for t in tasks:
        v = engine.render(t)
        task_rows.append({"type": v["type"], "entity": v.get("entityName", ""), "status": v["status"],
                          "progress": v["progress"], "start": v["startTime"], "reason": v.get("reason", "")})
    return {"version": VERSION, "time_mode": engine.time_mode, "now": engine.now(),
            "site": {"name": site["name"], "urn": site["urn"], "status": site["status"]},
            "clusters": clusters, "hosts": hosts, "datastores": datastores, "vms": vms, "tasks": task_rows}


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vrmsim dashboard</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:.25em .5em;
text-align:left;font-size:.9em}th{background:#eef}
.bar{display:inline-block;width:120px;height:.8em;background:#e5e5e5;vertical-align:middle;margin-right:.4em}
.bar span{display:block;height:100%;background:#4a8}.bar span.high{background:#d84}
.running,.success,.normal{color:#185}.failed,.fault{color:#b22}.muted{color:#777}
</style></head>
<body>
<h1>vrmsim <span id="site"></span></h1>
<div class="muted">read-only view of the simulated VRM, refreshed every 2 s &middot; <span id="meta"></span></div>
<h2>Clusters</h2><table id="clusters"></table>
<h2>Hosts</h2><table id="hosts"></table>
<h2>Datastores</h2><table id="datastores"></table>
<h2>Virtual machines</h2><table id="vms"></table>
<h2>Recent tasks</h2><table id="tasks"></table>
<script>
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c];});}
function bar(used,cap){var p=cap?Math.min(100,Math.round(100*used/cap)):0;
 return '<span class="bar"><span class="'+(p>85?'high':'')+'" style="width:'+p+'%"></span></span>'+p+'%';}
function table(id,head,rows){var h='<tr>'+head.map(function(x){return '<th>'+x+'</th>';}).join('')+'</tr>';
 document.getElementById(id).innerHTML=h+rows.map(function(r){return '<tr>'+r.map(function(c){return '<td>'+c+'</td>';}).join('')+'</tr>';}).join('');}
function render(d){
 document.getElementById('site').textContent='- '+d.site.name+' ('+d.site.urn+')';
 document.getElementById('meta').textContent='version '+d.version+', time mode '+d.time_mode;
 table('clusters',['Name','DRS','DPM','HA','CPU MHz','Memory MB'],d.clusters.map(function(c){
  return [esc(c.name),c.drs?'on':'off',c.dpm?'on':'off',c.ha?'on':'off',c.cpu_total_mhz,c.mem_total_mb];}));
 table('hosts',['Name','IP','Cluster','Status','vCPU use','Memory use'],d.hosts.map(function(h){
  return [esc(h.name),esc(h.ip),esc(h.cluster),'<span class="'+esc(h.status)+'">'+esc(h.status)+'</span>'+(h.maintenance?' (maintenance)':''),
   bar(h.vcpus_used,h.vcpus_capacity)+' '+h.vcpus_used+'/'+h.vcpus_capacity,bar(h.mem_used_mb,h.mem_capacity_mb)+' '+h.mem_used_mb+'/'+h.mem_capacity_mb+' MB'];}));
 table('datastores',['Name','Type','Capacity GB','Used GB','Provisioned GB','Hosts'],d.datastores.map(function(s){
  return [esc(s.name),esc(s.type),s.capacity_gb,bar(s.used_gb,s.capacity_gb)+' '+s.used_gb,s.provisioned_gb,s.hosts];}));
 table('vms',['Name','Status','Host','Cluster','vCPU','Memory MB','IP'],d.vms.map(function(v){
  return [esc(v.name)+(v.template?' <span class="muted">(template)</span>':''),'<span class="'+esc(v.status)+'">'+esc(v.status)+'</span>',
   esc(v.host),esc(v.cluster),v.cpu,v.mem_mb,esc(v.ip)];}));
 table('tasks',['Type','Object','Status','Progress','Started','Reason'],d.tasks.map(function(t){
  return [esc(t.type),esc(t.entity),'<span class="'+esc(t.status)+'">'+esc(t.status)+'</span>',t.progress+'%',esc(t.start),esc(t.reason)];}));
}
function refresh(){fetch('/_sim/dashboard.json').then(function(r){return r.json();}).then(render).catch(function(){});}
refresh();setInterval(refresh,2000);
</script>
</body></html>
"""


def page():
    return PAGE

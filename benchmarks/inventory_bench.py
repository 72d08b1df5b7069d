#!/usr/bin/env python3
"""fc_vms inventory versus a naive list-then-get-each-VM script, against vrmsim with 1,000 and 10,000 VMs.

Prints wall time and VRM request count of each. Goals: 10,000 VMs in at most 3 s with the plugin,
at least 20 times faster than the naive approach.

For scale it also times ansible-inventory --list on two static inventories built from the plugin's own output:
the same hosts, groups and host variables in one YAML file, and the same host names with no variables at all.
They cost no request, so they show what ansible-core itself spends on an inventory of that size.
Run: .venv/bin/python benchmarks/inventory_bench.py
"""

import hashlib
import json
import os
import subprocess
import sys
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simctl import Sim  # noqa: E402  (the benchmarks' shared vrmsim start-up)


def naive(ready):
    """What a hand-written inventory script does: page through the VM list, then GET every VM."""
    s = requests.Session()
    s.verify = ready["ca_file"]
    s.trust_env = False
    r = s.post(ready["url"] + "/service/session", headers={
        "X-Auth-User": ready["username"], "X-Auth-Key": hashlib.sha256(ready["password"].encode()).hexdigest()})
    s.headers["X-Auth-Token"] = r.headers["X-Auth-Token"]
    site = s.get(ready["url"] + "/service/sites").json()["sites"][0]["uri"]
    offset, uris = 0, []
    while True:
        page = s.get(ready["url"] + site + "/vms", params={"limit": 100, "offset": offset}).json()
        uris += [v["uri"] for v in page["vms"]]
        offset += 100
        if offset >= page["total"]:
            break
    hosts = {}
    for uri in uris:
        vm = s.get(ready["url"] + uri).json()
        hosts[vm["name"]] = vm["vmConfig"]["nics"][0]["ip"] if vm["vmConfig"]["nics"] else None
    return len(hosts)


def static_baselines(tmp, listing, env):
    """Time ansible-inventory --list on static inventories holding what the plugin produced."""
    hostvars = listing["_meta"]["hostvars"]
    groups = {}
    for name, body in listing.items():
        if name != "_meta" and body.get("hosts"):
            groups[name] = {"hosts": {h: None for h in body["hosts"]}}
    same = {"all": {"hosts": hostvars, "children": groups}}
    bare = {"all": {"hosts": {h: None for h in hostvars}}}
    times = []
    for label, data in (("same", same), ("bare", bare)):
        path = os.path.join(tmp, "static-%s.yml" % label)
        with open(path, "w") as f:
            json.dump(data, f)  # JSON is YAML; the yaml inventory plugin reads it
        t0 = time.perf_counter()
        out = subprocess.run(["ansible-inventory", "-i", path, "--list"], env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        if label == "same" and len(json.loads(out.stdout)["_meta"]["hostvars"]) != len(hostvars):
            raise SystemExit("the static inventory lost hosts")
    return times


def main():
    # Loopback first (vrmsim answers in well under a millisecond), then with 10 ms added to every
    # answer, a modest figure for a VRM across a network (docs/performance.md).
    for latency in (0, 10):
        print("vrmsim latency per request: %d ms" % latency)
        for count in (1000, 10000):
            run(count, latency)
    print("goals: 10,000 VMs in <= 3 s with the plugin; >= 20x faster than the naive approach")


def run(count, latency):
    with Sim("--vms", str(count), "--latency-ms", str(latency), prefix="inv-bench-") as sim:
        ready, env = sim.ready, sim.env()
        cfg = sim.path("bench.fc_vms.yml")
        with open(cfg, "w") as f:
            f.write("plugin: fusioncompute.core.fc_vms\n")
        mark = sim.mark()
        t0 = time.perf_counter()
        out = subprocess.run(["ansible-inventory", "-i", cfg, "--list"], env=env, capture_output=True, text=True)
        plugin_time = time.perf_counter() - t0
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        hosts = len(json.loads(out.stdout)["_meta"]["hostvars"])
        plugin_reqs = len(sim.requests_since(mark))
        mark = sim.mark()
        t0 = time.perf_counter()
        naive_hosts = naive(ready)
        naive_time = time.perf_counter() - t0
        naive_reqs = len(sim.requests_since(mark))
        print("%6d VMs  plugin: %6.2f s %6d requests (%d hosts)   naive: %7.2f s %6d requests (%d hosts)"
              "   %.1fx faster" % (count, plugin_time, plugin_reqs, hosts, naive_time, naive_reqs, naive_hosts,
                                  naive_time / plugin_time))
        if count >= 10000:
            # ansible-core cleans every host's (here: absent) facts before it lists the host's variables
            # unless facts are not injected as variables; the same run with that setting off, for scale.
            t0 = time.perf_counter()
            tuned = subprocess.run(["ansible-inventory", "-i", cfg, "--list"], capture_output=True, text=True,
                                   env=dict(env, ANSIBLE_INJECT_FACT_VARS="false"))
            tuned_time = time.perf_counter() - t0
            listed = json.loads(tuned.stdout) if tuned.returncode == 0 else {}
            for variables in listed.get("_meta", {}).get("hostvars", {}).values():
                variables.pop("ansible_local", None)   # this setting adds an empty ansible_local to every host
            if listed != json.loads(out.stdout):
                raise SystemExit("the run with inject_facts_as_vars off listed something else")
            print("%6s       the same with inject_facts_as_vars = false: %6.2f s   %.1fx faster than naive"
                  % ("", tuned_time, naive_time / tuned_time))
        if latency == 0:
            same, bare = static_baselines(sim.tmp, json.loads(out.stdout), env)
            print("%6s       ansible-inventory --list of a static file: same hosts and variables %.2f s,"
                  " host names only %.2f s" % ("", same, bare))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How long a playbook on a 10,000-VM inventory takes to reach its first task, by where the inventory comes from.

``ansible-playbook -i <inventory> play.yml`` with three inventories holding the same hosts, groups and
variables: the fc_vms plugin reading vrmsim, the same plugin answering from its cache (``cache: true``, filled
by a first run), and a static YAML file written from the plugin's own output. A fourth run with localhost alone
is ansible-playbook's own start-up. The runs take turns (--rounds), so that a busy moment of the shared machine
falls on all alike; the medians are printed. The play's first task is a ``debug`` run once; the time is taken
when ansible-playbook prints that task's banner, and the play then ends.

Then, in one process, the plugin's ``parse`` is timed phase by phase: the requests to the VRM, and the time
spent in ansible-core's inventory (adding hosts, groups and variables, the constructed features), the rest
being the plugin's own code. Goals: the plugin no slower than the static file; its own share under 1 s.
Also prints the plugin's requests and what they make per minute. Asserts nothing.
Run: .venv/bin/python benchmarks/playbook_start_bench.py [--vms 10000] [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simctl import Sim  # noqa: E402  (the benchmarks' shared vrmsim start-up)

PLAY = """- name: A playbook on every VM
  hosts: all
  gather_facts: false
  tasks:
    - name: First task
      ansible.builtin.debug:
        msg: first
      run_once: true

    - name: Stop here
      ansible.builtin.meta: end_play
"""

# Run in a process of its own (the collection path and FC_* come from the environment): the plugin's parse,
# phase by phase. Every method of ansible-core's InventoryData and of the Constructable helpers the plugin
# calls is wrapped with a timer, so "core" is what ansible-core spent inside the parse.
PHASES = r"""
import json, sys, time
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
init_plugin_loader()
plugin = inventory_loader.get("fusioncompute.core.fc_vms")
spent = {"core": 0.0, "fetch": 0.0}
depth = [0]

def timed(owner, name, key):
    fn = getattr(owner, name)
    def wrapper(*a, **kw):
        if depth[0]:
            return fn(*a, **kw)
        depth[0] += 1
        t0 = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            depth[0] -= 1
            spent[key] += time.perf_counter() - t0
    setattr(owner, name, wrapper)

cls = type(plugin)
for name in ("add_host", "add_group", "add_child", "set_variable"):
    timed(InventoryData, name, "core")
for name in ("_set_composite_vars", "_add_host_to_composed_groups", "_add_host_to_keyed_groups", "_compose",
             "_read_config_data", "get_option", "get_cache_key"):
    timed(cls, name, "core")
timed(cls, "_fetch", "fetch")
from ansible.plugins.cache import CachePluginAdjudicator
for name in ("__getitem__", "__setitem__", "__contains__", "set_cache"):
    timed(CachePluginAdjudicator, name, "core")
inventory = InventoryData()
loader = DataLoader()
t0 = time.perf_counter()
plugin.parse(inventory, loader, sys.argv[1], cache=True)
total = time.perf_counter() - t0
print(json.dumps({"parse": total, "core": spent["core"], "fetch": spent["fetch"], "hosts": len(inventory.hosts)}))
"""


def first_task(cmd, env):
    """Seconds from the start of ``cmd`` to the banner of its first task, and to its end."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = None
    for line in proc.stdout:
        if seen is None and line.startswith("TASK [First task]"):
            seen = time.perf_counter() - t0
    err = proc.stderr.read()
    if proc.wait() or seen is None:
        raise SystemExit("%s failed: %s" % (" ".join(cmd), err[-2000:]))
    return seen, time.perf_counter() - t0


def static_copy(listing, path):
    """A YAML (here: JSON, which is YAML) inventory with the hosts, groups and variables of an ansible-inventory
    --list output."""
    hostvars = listing["_meta"]["hostvars"]
    children = {}
    for name, body in listing.items():
        if name not in ("_meta", "all") and body.get("hosts"):
            children[name] = {"hosts": {h: None for h in body["hosts"]}}
    with open(path, "w") as f:
        json.dump({"all": {"hosts": hostvars, "children": children}}, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vms", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print("load before: %r" % (os.getloadavg(),))
    with Sim("--vms", str(args.vms), prefix="start-bench-") as sim:
        env = sim.env(ANSIBLE_CACHE_PLUGIN_CONNECTION=sim.path("cache"))
        live, cached = sim.path("site.fc_vms.yml"), sim.path("cached.fc_vms.yml")
        with open(live, "w") as f:
            f.write("plugin: fusioncompute.core.fc_vms\n")
        with open(cached, "w") as f:
            f.write("plugin: fusioncompute.core.fc_vms\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                    "cache_connection: %s\ncache_timeout: 3600\n" % sim.path("cache"))
        with open(sim.path("play.yml"), "w") as f:
            f.write(PLAY)
        with open(sim.path("localhost.yml"), "w") as f:
            f.write("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        out = subprocess.run(["ansible-inventory", "-i", live, "--list"], env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        static_copy(json.loads(out.stdout), sim.path("static.yml"))
        # Fill the cache (and check that its listing is the plugin's).
        filled = subprocess.run(["ansible-inventory", "-i", cached, "--list"], env=env, capture_output=True,
                                text=True)
        if filled.returncode or json.loads(filled.stdout) != json.loads(out.stdout):
            raise SystemExit("the cached inventory lists something else: %s" % filled.stderr[-2000:])
        sources = (("ansible-playbook alone (localhost only)", sim.path("localhost.yml")),
                   ("static YAML file, same hosts and variables", sim.path("static.yml")),
                   ("fc_vms plugin, from its cache", cached), ("fc_vms plugin, reading the VRM", live))
        times = {label: [] for label, _ in sources}
        for _ in range(args.rounds):
            for label, inv in sources:
                mark = sim.mark()
                times[label].append(first_task(["ansible-playbook", "-i", inv, sim.path("play.yml")], env))
                if inv == live:
                    reqs = sim.requests_since(mark)
        print("%d VMs; median of %d runs each, from the start of ansible-playbook:" % (args.vms, args.rounds))
        medians = {}
        for label, _ in sources:
            first = statistics.median(t[0] for t in times[label])
            medians[label] = first
            print("  %-44s first task at %6.2f s  (whole run %6.2f s; runs %s)" % (
                label, first, statistics.median(t[1] for t in times[label]),
                ", ".join("%.2f" % t[0] for t in times[label])))
        static, plugin = medians[sources[1][0]], medians[sources[3][0]]
        print("  plugin against the static file: %.2fx its time (goal <= 1.0x: %s); from the cache %.2fx" % (
            plugin / static, "met" if plugin <= static else "MISSED", medians[sources[2][0]] / static))
        span = max(1.0, max(r["time"] for r in reqs) - min(r["time"] for r in reqs))
        print("  the plugin's VRM requests: %d a run, in %.1f s; one run a minute is %d calls a minute "
              "(guidance <= 300), the cache none" % (len(reqs), span, len(reqs)))
        script = sim.path("phases.py")
        with open(script, "w") as f:
            f.write(PHASES)
        print("the plugin's parse, phase by phase (one process, median of %d):" % args.rounds)
        for label, inv in (("reading the VRM", live), ("from its cache", cached)):
            runs = []
            for _ in range(args.rounds):
                res = subprocess.run([sys.executable, script, inv], env=env, capture_output=True, text=True)
                if res.returncode:
                    raise SystemExit(res.stderr[-2000:])
                runs.append(json.loads(res.stdout.splitlines()[-1]))
            ph = {k: statistics.median(r[k] for r in runs) for k in ("parse", "core", "fetch")}
            own = ph["parse"] - ph["core"] - ph["fetch"]
            print("  %-16s parse %.2f s: VRM requests %.2f s, ansible-core's inventory %.2f s, the plugin's own "
                  "code %.2f s (goal < 1 s: %s); %d hosts" % (label, ph["parse"], ph["fetch"], ph["core"], own,
                                                               "met" if own < 1.0 else "MISSED", runs[0]["hosts"]))
        print("load after: %r" % (os.getloadavg(),))


if __name__ == "__main__":
    main()

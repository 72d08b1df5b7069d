#!/usr/bin/env python3
"""fc_vm no-op versus the fc_generic way (ansible.builtin.uri: login, fuzzy search, exact match, get).

Prints wall time and VRM request count of each, in one run against a vrmsim it starts.
Goals: the module needs at most 4 requests and is at least 3 times faster.
Run: .venv/bin/python benchmarks/module_overhead.py
"""

import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simctl import Sim  # noqa: E402  (the benchmarks' shared vrmsim start-up)

ROUNDS = 9

# The module way is one task; the benchmark's own check that it was a no-op rides on the same task
# (failed_when) instead of costing a task of its own.
MODULE_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: fc_vm no-op
      fusioncompute.core.fc_vm:
        name: bench-vm
        cpu: {count: 2}
        memory: {size_mb: 4096}
      register: r
      failed_when: r is failed or r is changed
"""

URI_PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    base: "https://{{ lookup('env', 'FC_HOST') }}:{{ lookup('env', 'FC_PORT') }}"
    ca: "{{ lookup('env', 'FC_CA_PATH') }}"
  tasks:
    - name: Log in
      ansible.builtin.uri:
        url: "{{ base }}/service/session"
        method: POST
        ca_path: "{{ ca }}"
        headers:
          X-Auth-User: "{{ lookup('env', 'FC_USERNAME') }}"
          X-Auth-Key: "{{ lookup('env', 'FC_PASSWORD') | hash('sha256') }}"
          Accept: application/json;version=8.0;charset=UTF-8
      register: login
    - name: Sites
      ansible.builtin.uri:
        url: "{{ base }}/service/sites"
        ca_path: "{{ ca }}"
        headers: {X-Auth-Token: "{{ login.x_auth_token }}"}
      register: sites
    - name: Fuzzy search
      ansible.builtin.uri:
        url: "{{ base }}{{ sites.json.sites[0].uri }}/vms?name=bench-vm&limit=100&offset=0"
        ca_path: "{{ ca }}"
        headers: {X-Auth-Token: "{{ login.x_auth_token }}"}
      register: found
    - name: Exact match
      ansible.builtin.set_fact:
        vm: "{{ found.json.vms | selectattr('name', 'equalto', 'bench-vm') | first }}"
    - name: Get the VM
      ansible.builtin.uri:
        url: "{{ base }}{{ vm.uri }}"
        ca_path: "{{ ca }}"
        headers: {X-Auth-Token: "{{ login.x_auth_token }}"}
      register: detail
    - name: Compare
      ansible.builtin.assert:
        that:
          - detail.json.vmConfig.cpu.quantity == 2
          - detail.json.vmConfig.memory.quantityMB == 4096
"""


def run_play(sim, env, play, label):
    """Run one play with ansible-playbook; return its wall time and the VRM requests it caused."""
    path = sim.path("play.yml")
    with open(path, "w") as f:
        f.write(play)
    mark = sim.mark()
    t0 = time.perf_counter()
    out = subprocess.run(["ansible-playbook", path], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        print(out.stdout[-3000:])
        raise SystemExit("%s failed" % label)
    return elapsed, len(sim.requests_since(mark))


def main():
    with Sim() as sim:
        env = sim.env()
        setup = MODULE_PLAY.replace("fc_vm no-op", "create").replace("register: r", "register: r0").replace(
            "      failed_when: r is failed or r is changed\n", "").replace(
            "        name: bench-vm\n", "        name: bench-vm\n        template: tpl-centos7\n        cluster: cluster-dev\n")
        empty = "- hosts: localhost\n  gather_facts: false\n  tasks: []\n"
        plays = (("empty play (ansible-playbook start-up)", empty),
                 ("fc_vm (module)", MODULE_PLAY), ("ansible.builtin.uri (fc_generic way)", URI_PLAY))
        run_play(sim, env, setup, "setup")
        # The plays take turns, ROUNDS times over, so that a busy moment of the shared machine falls on
        # all three alike; the median of each is kept.
        times = {label: [] for label, _ in plays}
        counts = {}
        for _ in range(ROUNDS):
            for label, play in plays:
                elapsed, count = run_play(sim, env, play, label)
                times[label].append(elapsed)
                counts[label] = count
        results = {label: (statistics.median(times[label]), counts[label]) for label, _ in plays}
        base = results["empty play (ansible-playbook start-up)"][0]
        print("median of %d runs each:" % ROUNDS)
        for label, (elapsed, count) in results.items():
            print("%-42s %6.2f s  (%5.2f s without start-up)  %3d VRM requests" % (label, elapsed, elapsed - base,
                                                                                 count))
        m, u = results["fc_vm (module)"], results["ansible.builtin.uri (fc_generic way)"]
        print("speed-up: %.1fx whole playbook, %.1fx without ansible-playbook start-up (goal >= 3x)" % (
            u[0] / m[0], (u[0] - base) / max(0.001, m[0] - base)))
        per_round = sorted((t_u - t_e) / max(0.001, t_m - t_e) for t_e, t_m, t_u in zip(*times.values()))
        print("speed-up without start-up, round by round: median %.1fx (lowest %.1fx, highest %.1fx)" % (
            statistics.median(per_round), per_round[0], per_round[-1]))
        print("module requests: %d (goal <= 4; login and logout included)" % m[1])


if __name__ == "__main__":
    main()

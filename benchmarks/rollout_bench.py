#!/usr/bin/env python3
"""A rollout as an operator writes it: N VMs (200) deployed from a template and powered on, forks 20.

The play runs over N inventory hosts, one per VM, each task delegated to localhost (the collection's modules
talk to the VRM, not to the VMs). vrmsim runs in ``timed`` mode, so every VRM task takes its modelled
duration (a deployment 43 s, divided by --time-scale). Prints, asserting nothing:

- the play's wall time against the reference: what vrmsim's own tasks take for the same work with the same
  concurrency (ceil(N / forks) deployments one after another, each as long as vrmsim made it), and the ratio
  against the goal of 1.5;
- VRM requests per VM, by kind (session, task polls, the rest), and the request rate: the run's average per
  minute and the most in any 60 seconds, against Huawei's guidance of at most 300 a minute;
- where the time per VM goes: the task itself, the lag between the task's end and the poll that saw it, and
  the rest (Ansible's fork and module start-up, the module's own requests) from a second, no-op run of the same
  play (every VM already there: changed=0 is checked).

Patterns (--pattern): ``wait`` (default: fc_vm waits for its task), ``nowait`` (fc_vm with wait: false, then
fc_task_info waits for the task). --session once: one fc_session login whose token every module run uses
(module_defaults), instead of a login and a logout per module run. --poll-interval sets the modules'
poll_interval (module_defaults). --rate-limit N sets FC_RATE_LIMIT (calls per minute shared by the module
processes of the controller). Run: .venv/bin/python benchmarks/rollout_bench.py [--vms 200] [--forks 20]
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simctl import Sim  # noqa: E402  (the benchmarks' shared vrmsim start-up)

GUIDANCE = 300     # VRM calls per minute (FusionCompute 8.0 interface guide, chapter 1)
GOAL = 1.5

DEPLOY = """
    - name: Deploy the VM from the template and power it on
      fusioncompute.core.fc_vm:
        name: "{{ inventory_hostname }}"
        template: tpl-centos7
        cluster: cluster-dev
        power_state: powered-on%s
      delegate_to: localhost
"""

PLAYS = {
    "wait": "- name: Roll out\n  hosts: rollout\n  gather_facts: false\n  tasks:" + DEPLOY % "",
    "nowait": "- name: Roll out\n  hosts: rollout\n  gather_facts: false\n  tasks:" + DEPLOY % (
        "\n        wait: false") + """      register: deployed

    - name: Wait for the deployment
      fusioncompute.core.fc_task_info:
        urn: "{{ deployed.tasks[0].task_urn }}"
        wait: true
      delegate_to: localhost
      when: deployed.tasks | default([]) | length > 0
""",
}


LOGIN = """- name: Log in once
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in
      fusioncompute.core.fc_session:
      register: fc_login
      no_log: true

"""
LOGOUT = """
- name: Log out
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Log out
      fusioncompute.core.fc_session:
        token: "{{ fc_login.token }}"
        state: absent
"""


def playbook(pattern, session, poll_interval):
    """The play of ``pattern``; with ``session`` 'once', one login for every module run (fc_session's token);
    with ``poll_interval``, that longest pause between two polls of a task for every module."""
    defaults = []
    if session == "once":
        defaults.append("      token: \"{{ hostvars['localhost'].fc_login.token }}\"\n")
    if poll_interval:
        defaults.append("      poll_interval: %g\n" % poll_interval)
    text = PLAYS[pattern]
    if defaults:
        text = text.replace("  tasks:", "  module_defaults:\n    group/fusioncompute.core.fc:\n%s  tasks:" % (
            "".join(defaults)), 1)
    if session == "once":
        text = LOGIN + text + LOGOUT
    return text


def kind(req):
    if req["path"] == "/service/session":
        return "session"
    if "/tasks/" in req["path"] and req["method"] == "GET":
        return "task polls"
    return "other"


def peak_per_minute(times):
    """The most requests in any 60 seconds."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > 60.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def play(sim, name, text, forks, env):
    path = sim.path(name + ".yml")
    with open(path, "w") as f:
        f.write(text)
    mark = sim.mark()
    t0 = time.perf_counter()
    out = subprocess.run(["ansible-playbook", "-i", sim.path("hosts.yml"), "-f", str(forks), path], env=env,
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if out.returncode:
        print(out.stdout[-4000:])
        raise SystemExit("the %s play failed" % name)
    recap = [line for line in out.stdout.splitlines() if "changed=" in line and line.startswith("rollout-")]
    changed = sum(int(line.split("changed=")[1].split()[0]) for line in recap)
    reqs = [r for r in sim.requests_since(mark) if r["path"].startswith("/service/")]
    return elapsed, reqs, changed


def report(label, elapsed, reqs, vms):
    by_kind = {}
    for r in reqs:
        by_kind[kind(r)] = by_kind.get(kind(r), 0) + 1
    print("%s: %.1f s, %d VRM requests, %.1f per VM (%s)" % (
        label, elapsed, len(reqs), len(reqs) / float(vms),
        ", ".join("%s %.1f" % (k, v / float(vms)) for k, v in sorted(by_kind.items()))))
    rate = len(reqs) / (elapsed / 60.0)
    peak = peak_per_minute([r["time"] for r in reqs])
    print("  requests per minute: %.0f on average, at most %d in any 60 s (guidance <= %d: %s)" % (
        rate, peak, GUIDANCE, "kept" if peak <= GUIDANCE else "EXCEEDED"))


def poll_lag(sim, reqs, tasks, scale):
    """Seconds between each deployment's end (its start plus its duration) and the poll that saw it ended.

    A task's start is the time of the request that created it: vrmsim logs a request when it began, and
    the request's answer is the task."""
    polls = {}
    for r in reqs:
        if kind(r) == "task polls":
            polls.setdefault(r["path"], []).append(r["time"])
    creates = sorted(r["time"] for r in reqs if r["method"] == "POST" and r["path"].endswith("/action/clone"))
    lags = []
    for task, create in zip(sorted(tasks, key=lambda t: t["sim"]["start"]), creates):
        seen = polls.get(task["object"]["uri"])
        if seen:
            lags.append(max(seen) - (create + task["sim"]["duration"] / scale))
    return lags


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vms", type=int, default=200)
    ap.add_argument("--forks", type=int, default=20)
    ap.add_argument("--time-scale", type=float, default=1.0, help="vrmsim's --time-scale (1: real durations)")
    ap.add_argument("--pattern", choices=sorted(PLAYS), default="wait")
    ap.add_argument("--rate-limit", type=int, default=0, help="FC_RATE_LIMIT for the modules (0: none)")
    ap.add_argument("--poll-interval", type=float, default=0,
                    help="poll_interval for every module (module_defaults); 0: the modules' default")
    ap.add_argument("--session", choices=("each", "once"), default="each",
                    help="each module run logs in and out (default), or one fc_session login for all")
    args = ap.parse_args()
    print("load before: %s" % os.getloadavg().__repr__())
    # Four more hosts (64 cores, 1 TB each, two per cluster) so that the 200 VMs find room to start.
    with Sim("--time-mode", "timed", "--time-scale", str(args.time_scale), "--hosts", "4",
             prefix="rollout-bench-") as sim:
        with open(sim.path("hosts.yml"), "w") as f:
            f.write("rollout:\n  hosts:\n" + "".join("    rollout-%03d:\n" % i for i in range(1, args.vms + 1)))
        env = sim.env()
        if args.rate_limit:
            env["FC_RATE_LIMIT"] = str(args.rate_limit)
        # The limiter's state lives in the temporary directory; a benchmark of its own starts it empty.
        env["TMPDIR"] = sim.path()
        elapsed, reqs, changed = play(sim, "rollout", playbook(args.pattern, args.session, args.poll_interval), args.forks, env)
        tasks = [t for t in sim.http.get(sim.url + "/_sim/objects", params={"kind": "tasks"}).json()["objects"]
                 if t["object"]["type"] == "DeployVM"]
        durations = [t["sim"]["duration"] / args.time_scale for t in tasks]
        rounds = math.ceil(args.vms / float(args.forks))
        reference = rounds * max(durations)
        print("%d VMs, forks %d, pattern %s, session %s, poll_interval %s, vrmsim time scale %g, rate limit %s; "
              "%d changed" % (args.vms, args.forks, args.pattern, args.session, args.poll_interval or "default",
                              args.time_scale, args.rate_limit or "none", changed))
        report("rollout", elapsed, reqs, args.vms)
        print("  reference: %d rounds of forks x %.1f s deployment = %.1f s; the play took %.2fx (goal <= %.1fx: %s)"
              % (rounds, max(durations), reference, elapsed / reference, GOAL,
                 "met" if elapsed / reference <= GOAL else "MISSED"))
        print("  at %d calls a minute, %d requests need at least %.0f s: %.2fx the reference" % (
            GUIDANCE, len(reqs), len(reqs) * 60.0 / GUIDANCE, len(reqs) * 60.0 / GUIDANCE / reference))
        if args.pattern == "nowait":
            print("  (all deployments at once, as VRM was asked to run them, would take %.1f s: %.2fx)" % (
                max(durations), elapsed / max(durations)))
        lags = poll_lag(sim, reqs, tasks, args.time_scale)
        slot = elapsed * args.forks / float(args.vms)
        again, reqs2, changed2 = play(sim, "rollout", playbook(args.pattern, args.session, args.poll_interval), args.forks, env)
        report("the same play again, nothing to do (%d changed)" % changed2, again, reqs2, args.vms)
        noop = again * args.forks / float(args.vms)
        print("where a fork's time per VM goes (%.2f s = play time x forks / VMs):" % slot)
        lag = statistics.median(lags) if lags else 0.0
        print("  the deployment task %.2f s; from its end to the poll that saw it: median %.2f s, highest %.2f s" % (
            statistics.median(durations), lag, max(lags) if lags else 0.0))
        print("  the rest, %.2f s: Ansible's fork and module start-up, the module's other requests, waiting for "
              "the CPU (for scale: the no-op run took %.2f s a VM per fork)" % (
                  slot - statistics.median(durations) - lag, noop))
        print("load after: %s" % os.getloadavg().__repr__())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""vrmsim speed figures (prints them; asserts nothing). Run: .venv/bin/python benchmarks/vrmsim_bench.py

  cold start to ready line            goal <= 0.5 s
  GET by id, keep-alive, 16 clients   goal >= 2,000 req/s
  100-item page                       goal >= 500 req/s
  mutations (PUT cluster)             goal >= 500 req/s
  restart with 10,000 VMs             goal <= 1.5 s
  RSS with 10,000 VMs                 goal <= 300 MB
"""

import hashlib
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import requests
import urllib3

urllib3.disable_warnings()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(ROOT, "simulator")
SITE = "/service/sites/4D6B0918"


def start(state, *extra):
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "vrmsim", "serve", "--state-dir", state, "--listen", "127.0.0.1:0"]
                            + list(extra), cwd=SIM, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready = json.loads(proc.stdout.readline())
    return proc, ready, time.perf_counter() - t0


def session(ready):
    s = requests.Session()
    s.verify = ready["ca_file"]
    s.trust_env = False
    r = s.post(ready["url"] + "/service/session", headers={
        "X-Auth-User": ready["username"], "X-Auth-Key": hashlib.sha256(ready["password"].encode()).hexdigest()})
    s.headers["X-Auth-Token"] = r.headers["X-Auth-Token"]
    return s


class Client(object):
    """One keep-alive HTTPS connection with a session token.

    The load generator is http.client rather than requests: on two cores the client shares the
    machine with vrmsim, and requests spends several times more CPU per call than the server
    does, so it would measure itself.
    """

    def __init__(self, ready):
        self.token = session(ready).headers["X-Auth-Token"]
        ctx = ssl.create_default_context(cafile=ready["ca_file"])
        self.conn = http.client.HTTPSConnection("127.0.0.1", ready["port"], context=ctx)
        self.headers = {"X-Auth-Token": self.token, "Accept": "application/json;version=8.0; charset=UTF-8",
                        "Content-Type": "application/json; charset=UTF-8"}

    def call(self, method, path, body=None):
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError("%s %s answered %d: %s" % (method, path, resp.status, data[:200]))
        return data


def rate(ready, clients, seconds, fn):
    count = [0]
    lock = threading.Lock()
    clients = [Client(ready) for _ in range(clients)]
    stop = time.time() + seconds

    def worker(c):
        n = 0
        while time.time() < stop:
            fn(c, n)
            n += 1
        with lock:
            count[0] += n
    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / (time.time() - t0)


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    tmp = tempfile.mkdtemp(prefix="vrmsim-bench-")
    try:
        # certificates are generated once per state directory; measure a start that has them
        proc, ready, _first = start(os.path.join(tmp, "a"), "--seed", "demo")
        proc.terminate()
        proc.wait()
        shutil.rmtree(os.path.join(tmp, "a", "vrmsim.db"), ignore_errors=True)
        for f in ("vrmsim.db", "vrmsim.db-wal", "vrmsim.db-shm"):
            p = os.path.join(tmp, "a", f)
            if os.path.exists(p):
                os.unlink(p)
        proc, ready, cold = start(os.path.join(tmp, "a"), "--seed", "demo")
        print("cold start to ready line (demo seed):   %7.3f s    (goal <= 0.5 s)" % cold)
        s = session(ready)
        host = s.get(ready["url"] + SITE + "/hosts").json()["hosts"][0]["uri"]
        get_rate = rate(ready, 16, 3.0, lambda c, n: c.call("GET", host))
        print("GET by id, keep-alive, 16 clients:      %7.0f req/s (goal >= 2000)" % get_rate)
        proc.terminate()
        proc.wait()

        proc, ready, _ = start(os.path.join(tmp, "b"), "--seed", "demo", "--vms", "10000")
        url = ready["url"]
        page_rate = rate(ready, 8, 3.0, lambda c, n: c.call(
            "GET", SITE + "/vms?limit=100&offset=%d" % ((n * 100) % 9900)))
        print("100-item VM page, 8 clients:            %7.0f req/s (goal >= 500)" % page_rate)
        cl = session(ready).get(url + SITE + "/clusters").json()["clusters"][0]["uri"]
        mut_rate = rate(ready, 8, 3.0, lambda c, n: c.call("PUT", cl, {"description": "bench %d" % n}))
        print("mutations (PUT cluster), 8 clients:     %7.0f req/s (goal >= 500)" % mut_rate)
        proc.terminate()
        proc.wait()
        proc, ready, restart = start(os.path.join(tmp, "b"))
        print("restart with 10,000 VMs to ready line:  %7.3f s    (goal <= 1.5 s)" % restart)
        # Objects are decoded from the database when first read: the first requests that read every
        # VM and every volume pay for it, and the RSS below is measured after them.
        t0 = time.perf_counter()
        c = Client(ready)
        c.call("GET", SITE + "/vms/statistics")
        c.call("GET", SITE + "/volumes?limit=100&offset=0&name=no-such-volume")
        print("  then reading every VM and volume once: %7.3f s" % (time.perf_counter() - t0))
        print("RSS with 10,000 VMs, all read:          %7.1f MB   (goal <= 300 MB)" % rss_mb(proc.pid))
        proc.terminate()
        proc.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

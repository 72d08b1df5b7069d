"""Fixtures: an in-process vrmsim per test (fast) and a subprocess vrmsim (restart and kill -9 tests)."""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import requests
import urllib3

from vrmsim import cli
from vrmsim.server import Server

urllib3.disable_warnings()
SIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Vrmsim@123"
ACCEPT = "application/json;version=8.0;charset=UTF-8"


class Client(object):
    """A minimal VRM client for the tests (keep-alive session, token header)."""

    def __init__(self, url, ca_file=None, engine=None):
        self.url = url
        self.http = requests.Session()
        self.http.verify = ca_file or False
        self.http.trust_env = False   # REQUESTS_CA_BUNDLE would override verify
        self.token = None
        self.engine = engine
        self.site = "/service/sites/4D6B0918"
        self.site_urn = "urn:sites:4D6B0918"

    def login(self, user="admin", password=PASSWORD, plain=False):
        headers = {"X-Auth-User": user, "Accept": ACCEPT, "X-Auth-UserType": "2",
                   "X-Auth-Key": password if plain else hashlib.sha256(password.encode()).hexdigest()}
        if plain:
            headers["X-ENCRIPT-ALGORITHM"] = "1"
        r = self.http.post(self.url + "/service/session", headers=headers)
        if r.status_code == 200:
            self.token = r.headers["X-Auth-Token"]
        return r

    def req(self, method, path, body=None, params=None, token=True, **kw):
        headers = {"Accept": ACCEPT, "Content-Type": "application/json;charset=UTF-8"}
        if token and self.token:
            headers["X-Auth-Token"] = self.token
        r = self.http.request(method, self.url + path, headers=headers, params=params,
                              data=json.dumps(body) if body is not None else None, **kw)
        return r

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def ok(self, method, path, body=None, **kw):
        r = self.req(method, path, body, **kw)
        assert r.status_code == 200, (method, path, r.status_code, r.text)
        return r.json() if r.content else None

    def wait(self, answer, expect="success"):
        """Poll a task answer until it ends; return the task."""
        uri = answer["taskUri"]
        for _ in range(2000):
            t = self.ok("GET", uri)
            if t["status"] not in ("running", "waiting"):
                assert t["status"] == expect, t
                return t
            time.sleep(0.005)
        raise AssertionError("task did not finish: %s" % uri)

    def sim(self, method, path, body=None):
        r = self.http.request(method, self.url + "/_sim" + path,
                              data=json.dumps(body) if body is not None else None)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def obj(self, urn):
        return self.sim("GET", "/objects/" + urn)["object"]

    def find(self, kind, name):
        objs = self.sim("GET", "/objects?kind=%s&name=%s" % (kind, name))["objects"]
        assert len(objs) == 1, (kind, name, objs)
        return objs[0]["object"]


def _args(state_dir, seed="demo", time_mode="instant", vms=0, hosts=0):
    return argparse.Namespace(
        state_dir=state_dir, seed=seed, time_mode=time_mode, time_scale=1.0, username="admin", password=PASSWORD,
        no_host_probe=False, vms=vms, hosts=hosts)


def start_inprocess(seed="demo", time_mode="instant", vms=0, hosts=0, tls=False):
    state = tempfile.mkdtemp(prefix="vrmsim-test-")
    engine = cli.build_engine(_args(state, seed, time_mode, vms, hosts))
    ctx = None
    ca = None
    if tls:
        from vrmsim import certs
        from vrmsim.server import make_ssl_context
        ca, cert, key = certs.ensure(state)
        ctx = make_ssl_context(cert, key)
    server = Server(("127.0.0.1", 0), engine, ctx)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    client = Client("%s://127.0.0.1:%d" % (scheme, server.server_address[1]), ca, engine)
    return server, engine, client


@pytest.fixture
def sim():
    """An in-process vrmsim (demo seed, instant tasks, plain HTTP for speed) and a logged-in client."""
    server, engine, client = start_inprocess()
    assert client.login().status_code == 200
    yield client
    server.shutdown()
    server.server_close()
    engine.close()


@pytest.fixture
def manual_sim():
    """Like ``sim`` but with the manual clock (tasks progress only when the clock is advanced)."""
    server, engine, client = start_inprocess(time_mode="manual")
    assert client.login().status_code == 200
    yield client
    server.shutdown()
    server.server_close()
    engine.close()


@pytest.fixture
def empty_sim():
    server, engine, client = start_inprocess(seed="empty")
    assert client.login().status_code == 200
    yield client
    server.shutdown()
    server.server_close()
    engine.close()


class Proc(object):
    def __init__(self, state_dir, seed="demo", extra=()):
        self.state_dir = state_dir
        ready = os.path.join(state_dir, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vrmsim", "serve", "--state-dir", state_dir, "--listen", "127.0.0.1:0",
             "--seed", seed, "--ready-file", ready] + list(extra),
            cwd=SIM_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        assert line, self.proc.stderr.read().decode()
        self.ready = json.loads(line)
        self.client = Client(self.ready["url"], self.ready["ca_file"])

    def stop(self, sig=15):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=20)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def proc_factory():
    procs = []

    def make(state_dir=None, seed="demo", extra=()):
        p = Proc(state_dir or tempfile.mkdtemp(prefix="vrmsim-proc-"), seed, extra)
        procs.append(p)
        return p
    yield make
    for p in procs:
        if p.proc.poll() is None:
            p.stop(9)

"""nova-conductor + nova-compute (our driver) + placement + vrmsim, all on loopback.

The databases are created with nova-manage as an operator would; placement is the real
openstack-placement served by wsgiref; nova-compute is nova's own Service with our driver loaded
from the rendered configuration (inprocess_harness.py).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

from conftest import start_sim
from nova import version as nova_version

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
NOVA_MAJOR = int(nova_version.version_string().split(".")[0])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    if proc.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s\n%s" % (" ".join(cmd), proc.returncode, proc.stdout[-3000:],
                                                         proc.stderr[-3000:]))
    return proc


NOVA_CONF = """[DEFAULT]
host = fc-compute-prod
state_path = {work}/state
compute_driver = fusioncompute_nova.driver.FusionComputeDriver
transport_url = fake://
my_ip = 127.0.0.1
reserved_host_memory_mb = 0
use_stderr = false
log_file = {work}/nova.log

[database]
connection = sqlite:///{work}/nova.db

[api_database]
connection = sqlite:///{work}/nova_api.db

[oslo_concurrency]
lock_path = {work}/lock

[placement]
auth_type = admin_token
token = admin
endpoint = {placement}
region_name = RegionOne

[fusioncompute]
fc_ip = 127.0.0.1
fc_port = {port}
fc_user = {user}
fc_pwd = {password}
ca_file = {ca}
clusters = cluster-prod
fc_request_timeout_min = 60
fc_request_timeout_max = 120
"""

PLACEMENT_CONF = """[placement_database]
connection = sqlite:///{work}/placement.db
sync_on_startup = true

[api]
auth_strategy = noauth2
"""

PLACEMENT_SERVER = """
import sys
from wsgiref.simple_server import make_server, WSGIRequestHandler
from placement import wsgi

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

make_server("127.0.0.1", int(sys.argv[1]), wsgi.init_application(), handler_class=Quiet).serve_forever()
"""


@pytest.fixture(scope="module")
def world():
    sim = start_sim()
    work = tempfile.mkdtemp(prefix="fc-nova-inproc.")
    os.makedirs(work + "/state")
    os.makedirs(work + "/lock")
    port = free_port()
    placement_url = "http://127.0.0.1:%d" % port
    with open(work + "/placement.conf", "w") as f:
        f.write(PLACEMENT_CONF.format(work=work))
    env = dict(os.environ, OS_PLACEMENT_CONFIG_DIR=work)
    placement = subprocess.Popen([sys.executable, "-c", PLACEMENT_SERVER, str(port)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=open(work + "/placement.log", "w"))
    for _ in range(200):
        try:
            if requests.get(placement_url + "/", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        raise AssertionError("placement did not start: %s" % open(work + "/placement.log").read()[-2000:])
    conf = work + "/nova.conf"
    with open(conf, "w") as f:
        f.write(NOVA_CONF.format(work=work, placement=placement_url, port=sim.ready["port"],
                                 user=sim.ready["username"], password=sim.ready["password"],
                                 ca=sim.ready["ca_file"]))
    manage = [os.path.join(BIN, "nova-manage"), "--config-file", conf]
    run(manage + ["api_db", "sync"])
    run(manage + ["cell_v2", "map_cell0", "--database_connection", "sqlite:///%s/nova_cell0.db" % work])
    run(manage + ["db", "sync"])
    run(manage + ["db", "sync", "--local_cell"])
    run(manage + ["cell_v2", "create_cell", "--name", "cell1", "--transport-url", "fake://",
                  "--database_connection", "sqlite:///%s/nova.db" % work])
    yield {"sim": sim, "work": work, "conf": conf, "placement": placement_url}
    placement.terminate()
    placement.wait(10)
    sim.stop()


def phase(world, name):
    try:
        proc = subprocess.run([sys.executable, os.path.join(HERE, "inprocess_harness.py"), "--config-file",
                               world["conf"], "--placement", world["placement"], "--phase", name],
                              capture_output=True, text=True, timeout=150,
                              env=dict(os.environ, PYTHONPATH=HERE))
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("harness phase %s hung:\n%s" % (name, (exc.stderr or b"")[-5000:].decode(
            errors="replace")))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        log = open(world["work"] + "/nova.log").read()[-4000:] if os.path.exists(world["work"] + "/nova.log") else ""
        raise AssertionError("harness phase %s printed no result (exit %d):\n%s\n%s\n%s" % (
            name, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:], log))
    return json.loads(lines[-1][len("RESULT "):])


def test_boot_restart_and_renamed_cluster(world):
    sim = world["sim"]
    site_id = sim.objects("sites")[0]["urn"].rsplit(":", 1)[1]
    node_name = "%s@cluster-prod" % site_id
    hosts = [h for h in sim.objects("hosts") if h.get("clusterName") == "cluster-prod"]
    vcpus = sum(h["cpuQuantity"] for h in hosts)
    memory = sum(h["memQuantityMB"] for h in hosts)

    boot = phase(world, "boot")
    assert boot["started"], boot
    assert "nova-compute@fc-compute-prod" in boot["services"], boot["services"]
    assert "nova-conductor@fc-compute-prod" in boot["services"], boot["services"]
    assert len(boot["nodes"]) == 1, boot["nodes"]
    node = boot["nodes"][0]
    assert node["hypervisor_hostname"] == node_name and node["host"] == "fc-compute-prod"
    assert node["vcpus"] == vcpus and node["memory_mb"] == memory, (node, vcpus, memory)
    assert node["hypervisor_type"] == "FusionCompute"
    rp = [p for p in boot["providers"] if p["name"] == node_name]
    assert rp and rp[0]["uuid"] == node["uuid"], boot["providers"]
    assert rp[0]["inventory"]["VCPU"] == vcpus and rp[0]["inventory"]["MEMORY_MB"] == memory
    if NOVA_MAJOR >= 27:  # nova 27 (2023.1) keeps the node's UUID in state_path/compute_id
        with open(world["work"] + "/state/compute_id") as f:
            assert f.read().strip() == node["uuid"]

    assert "spawned" in boot, boot.get("spawn_error")
    spawned = boot["spawned"]
    assert spawned["state"] == 1 and spawned["listed"] and not spawned["exists_after_destroy"], spawned
    assert spawned["vm_status"] == "running" and spawned["vm_cluster"] == "cluster-prod"
    assert spawned["vm_cpu"] == 2 and spawned["vm_memory_mb"] == 3072
    assert spawned["vm_portgroups"] == [sim.one("portgroups", name="prod-vlan100")["urn"]]
    assert not [v for v in sim.objects("vms") if v.get("uuid") == spawned["uuid"]]
    assert not [v for v in sim.objects("volumes") if spawned["vm_urn"] and v.get("vmUrn") == spawned["vm_urn"]]

    again = phase(world, "restart")
    assert again["started"], again
    assert [n["uuid"] for n in again["nodes"]] == [node["uuid"]], again["nodes"]
    if NOVA_MAJOR >= 27:
        assert list(again["node_ids"].items()) == [(node["uuid"], node_name)]
    else:  # before 2023.1 nova knows the node by its name alone
        assert again["available_nodes"] == [node_name], again

    cluster = sim.one("clusters", name="cluster-prod")
    sim.api("PUT", cluster["uri"], {"name": "cluster-prod-renamed"})
    try:
        renamed = phase(world, "renamed")
    finally:
        sim.api("PUT", cluster["uri"], {"name": "cluster-prod"})
    # no crash: the service starts, reports no node, says why, and adds no node under a new name
    assert renamed["started"], renamed
    assert [n["uuid"] for n in renamed["nodes"]] == [node["uuid"]], renamed["nodes"]
    assert any("cluster-prod does not exist" in line and "renamed" in line for line in renamed["log"]), \
        renamed["log"]
    assert "node_ids_error" in renamed, renamed
    assert "VirtDriverNotReady" in renamed["node_ids_error"] or "ClusterNotFound" in renamed["node_ids_error"]


def validate(conf_path):
    # [placement] is left out: its auth options come from the keystoneauth plugin named by auth_type
    # (admin_token here, for the noauth placement), which oslo.config cannot list statically.
    return subprocess.run([os.path.join(BIN, "oslo-config-validator"), "--namespace", "nova.conf",
                           "--namespace", "oslo.log", "--namespace", "oslo.messaging",
                           "--namespace", "oslo.concurrency", "--namespace", "fusioncompute_nova",
                           "--exclude-group", "placement", "--input-file", conf_path],
                          capture_output=True, text=True, timeout=120)


def test_rendered_configuration_passes_oslo_config_validator(world):
    proc = validate(world["conf"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_validator_sees_the_fusioncompute_group(world):
    # the entry point really publishes [fusioncompute]: a misspelt option in it is reported
    bad = world["work"] + "/bad.conf"
    with open(world["conf"]) as src, open(bad, "w") as dst:
        dst.write(src.read().replace("fc_port =", "fc_prot ="))
    proc = validate(bad)
    assert proc.returncode != 0
    assert "fusioncompute/fc_prot is not part of the sample config" in proc.stdout + proc.stderr

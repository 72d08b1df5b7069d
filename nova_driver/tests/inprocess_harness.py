"""nova-conductor and nova-compute in one process, on the fake transport, with SQLite databases and
the placement service given by the caller; the compute driver is ours, talking to vrmsim.

Run by test_inprocess.py, once per phase, each in a fresh process (so that a restart is a real
restart: nothing survives in memory, only the databases and the state_path):

  boot      start both services, wait until the compute node and its resource provider exist,
            spawn an instance through the service's own driver, check it, destroy it
  restart   start again and report the node identity
  renamed   start with the cluster gone and report what the service did

Prints one JSON line with what it observed.
"""

from nova import monkey_patch
if hasattr(monkey_patch, "patch"):  # nova 31 and later choose the backend; older nova patched on import
    monkey_patch.patch(backend="threading")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402

import nova.conf  # noqa: E402
from nova import config  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova import objects  # noqa: E402
from nova import service  # noqa: E402
from nova.compute import rpcapi as compute_rpcapi  # noqa: E402
from nova.network import model as network_model  # noqa: E402

CONF = nova.conf.CONF


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        try:
            self.records.append("%s %s: %s" % (record.levelname, record.name, record.getMessage()))
        except Exception:  # a log record that cannot be formatted is not our business here
            pass


def placement_providers(endpoint):
    headers = {"x-auth-token": "admin", "OpenStack-API-Version": "placement 1.14"}
    rps = requests.get(endpoint + "/resource_providers", headers=headers, timeout=10).json()["resource_providers"]
    out = []
    for rp in rps:
        inv = requests.get("%s/resource_providers/%s/inventories" % (endpoint, rp["uuid"]), headers=headers,
                           timeout=10).json()["inventories"]
        out.append({"uuid": rp["uuid"], "name": rp["name"],
                    "inventory": {k: v["total"] for k, v in inv.items()}})
    return out


def db_state(ctx):
    services = objects.ServiceList.get_all(ctx)
    nodes = objects.ComputeNodeList.get_all(ctx)
    return {"services": sorted("%s@%s" % (s.binary, s.host) for s in services),
            "nodes": [{"uuid": n.uuid, "hypervisor_hostname": n.hypervisor_hostname, "vcpus": n.vcpus,
                       "memory_mb": n.memory_mb, "local_gb": n.local_gb, "host": n.host,
                       "hypervisor_type": n.hypervisor_type} for n in nodes]}


def spawn_and_destroy(ctx, compute, nodename, portgroup):
    driver = compute.manager.driver
    node = objects.ComputeNode.get_by_nodename(ctx, nodename)
    flavor = objects.Flavor(ctx, name="fc.small", flavorid="fc-small", vcpus=2, memory_mb=3072, root_gb=40,
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0, vcpu_weight=0, disabled=False,
                            is_public=True, extra_specs={}, projects=[], description=None)
    flavor.create()
    inst = objects.Instance(ctx, uuid=str(uuid.uuid4()), project_id="demo", user_id="demo",
                            display_name="inprocess-vm", hostname="inprocess-vm", host=CONF.host, node=nodename, compute_id=node.id,
                            flavor=flavor, vcpus=flavor.vcpus, memory_mb=flavor.memory_mb,
                            root_gb=flavor.root_gb, ephemeral_gb=0, instance_type_id=flavor.id,
                            image_ref=str(uuid.uuid4()), vm_state="building", power_state=0,
                            system_metadata={}, metadata={}, old_flavor=None, new_flavor=None)
    inst.create()
    image = objects.ImageMeta.from_dict({"id": inst.image_ref, "name": "tpl-centos7", "properties": {}})
    network = network_model.Network(id=str(uuid.uuid4()), label=portgroup, subnets=[],
                                     meta={"physical_network": "dvs-prod"})
    nw = network_model.NetworkInfo([network_model.VIF(id=str(uuid.uuid4()), address="fa:16:3e:12:34:56",
                                                      network=network)])
    driver.spawn(ctx, inst, image, [], None, {}, network_info=nw)
    info = driver.get_info(inst)
    vm = driver._vm_detail(inst)  # what the VRM holds, read before the destroy
    spawned = {"uuid": inst.uuid, "name": inst.name, "state": info.state, "vm_urn": info.internal_id,
               "listed": inst.uuid in driver.list_instance_uuids(), "vm_status": vm["status"],
               "vm_cpu": vm["vmConfig"]["cpu"]["quantity"], "vm_memory_mb": vm["vmConfig"]["memory"]["quantityMB"],
               "vm_portgroups": [n["portGroupUrn"] for n in vm["vmConfig"]["nics"]],
               "vm_cluster": vm.get("clusterName")}
    driver.destroy(ctx, inst, nw)
    spawned["exists_after_destroy"] = driver.instance_exists(inst)
    return spawned


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--placement", required=True)
    parser.add_argument("--phase", choices=["boot", "restart", "renamed"], required=True)
    parser.add_argument("--portgroup", default="prod-vlan100")
    args = parser.parse_args()

    config.parse_args(["nova-compute", "--config-file", args.config_file])
    capture = Capture()
    logging.getLogger().addHandler(capture)
    logging.getLogger().setLevel(logging.INFO)
    objects.register_all()
    ctx = nova_context.get_admin_context()
    result = {"phase": args.phase}

    conductor = service.Service.create(binary="nova-conductor", topic="conductor")
    conductor.start()
    compute = service.Service.create(binary="nova-compute", topic=compute_rpcapi.RPC_TOPIC)
    try:
        compute.start()
        result["started"] = True
    except Exception as exc:  # reported, not re-raised: the test judges it
        result["started"] = False
        result["start_error"] = "%s: %s" % (type(exc).__name__, exc)

    if result["started"]:
        # the first resource update runs at start; wait for its traces in the DB and in placement
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = db_state(ctx)
            if args.phase == "renamed" or (state["nodes"] and placement_providers(args.placement)):
                break
            time.sleep(0.5)
    result.update(db_state(ctx))
    result["providers"] = placement_providers(args.placement)
    result["node_ids"] = {}
    try:
        driver = compute.manager.driver
        if hasattr(driver, "get_nodenames_by_uuid"):  # nova 27 (2023.1) and later
            result["node_ids"] = driver.get_nodenames_by_uuid()
        else:
            result["available_nodes"] = driver.get_available_nodes(refresh=True)
    except Exception as exc:
        result["node_ids_error"] = "%s: %s" % (type(exc).__name__, exc)

    if args.phase == "boot" and result["started"] and result["nodes"]:
        try:
            result["spawned"] = spawn_and_destroy(ctx, compute, result["nodes"][0]["hypervisor_hostname"],
                                                  args.portgroup)
        except Exception as exc:  # reported to the test, which fails with it
            result["spawn_error"] = "%s: %s" % (type(exc).__name__, exc)

    result["log"] = capture.records[-40:]
    for svc in (compute, conductor):
        try:
            svc.stop()
        except Exception:  # a service that did not start cannot stop cleanly
            pass
    print("RESULT " + json.dumps(result))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the services' worker threads are not daemons; the process is done


if __name__ == "__main__":
    main()

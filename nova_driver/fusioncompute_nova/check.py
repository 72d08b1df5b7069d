"""``fusioncompute-nova-check``: load the driver the way nova-compute does and ask VRM for the node.

    fusioncompute-nova-check --config-file /etc/nova/nova.conf --config-file /etc/nova/nova-compute-prod.conf

It parses the configuration with nova's own parser, loads ``[DEFAULT] compute_driver`` through
``nova.virt.driver.load_compute_driver``, and calls ``get_available_nodes`` and
``get_available_resource``. It prints one JSON line (node, vcpus, memory_mb, local_gb) and exits 0,
or prints the reason and exits 1. It changes nothing in VRM and needs no database or message queue.
"""

import json
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    import nova.conf
    from nova import config
    from nova import exception
    from nova.virt import driver as virt_driver
    from nova.virt import fake as fake_virt

    conf = nova.conf.CONF
    try:
        config.parse_args(["fusioncompute-nova-check"] + argv)
    except Exception as exc:  # oslo.config reports a bad file or option here
        print(json.dumps({"ok": False, "error": "configuration: %s" % exc}))
        return 1
    result = {"ok": False, "compute_driver": conf.compute_driver, "host": conf.host}
    try:
        drv = virt_driver.load_compute_driver(fake_virt.FakeVirtAPI(), conf.compute_driver)
        result["driver"] = "%s.%s" % (type(drv).__module__, type(drv).__name__)
        nodes = drv.get_available_nodes(refresh=True)
        resources = drv.get_available_resource(nodes[0])
        result.update(node=nodes[0], vcpus=resources["vcpus"], memory_mb=resources["memory_mb"],
                      local_gb=resources["local_gb"], hypervisor_type=resources["hypervisor_type"])
        result["ok"] = bool(resources["vcpus"] and resources["memory_mb"])
        if not result["ok"]:
            result["error"] = "the cluster reports no vCPU or no memory (no host in service?)"
        cleanup = getattr(drv, "cleanup_host", None)
        if cleanup:
            cleanup(conf.host)
    except (exception.NovaException, Exception) as exc:  # report every failure as one line
        result["error"] = "%s: %s" % (type(exc).__name__, exc)
    print(json.dumps(result, sort_keys=True))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

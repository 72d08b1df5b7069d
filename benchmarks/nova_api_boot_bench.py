#!/usr/bin/env python3
"""Servers booted through nova-api onto FusionCompute: the time and the VRM requests it takes.

Runs the nova driver's flow test ``test_many_boots`` (nova_driver/tests/test_nova_api_flow.py: nova-api,
scheduler, conductor, placement and two nova-compute services with the driver, against vrmsim with
instant tasks) in the nova test virtualenv of nova_driver/run_tests.sh, with ``--servers`` servers
posted at once. Prints the time from the first POST /servers to the last server ACTIVE and the VRM
requests the two drivers made (from their clients' counters), in all and per server. Asserts only what
the test asserts (every server ACTIVE with a running VM, none left after deletion).
Run: python3 benchmarks/nova_api_boot_bench.py [--servers 50]
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=50)
    args = parser.parse_args()
    env = dict(os.environ, FC_FLOW_BOOTS=str(args.servers))
    t0 = time.monotonic()
    proc = subprocess.run(["bash", os.path.join(ROOT, "nova_driver", "run_tests.sh"), "-q", "-s", "-p", "no:warnings",
                           "-k", "FusionComputeFlow and test_many_boots"], env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    found = re.search(r"FLOW_BOOTS (\d+) servers ACTIVE through nova-api in ([\d.]+) s, (\d+) VRM requests "
                      r"\(([\d.]+) per server\), clusters (.*)", proc.stdout)
    if proc.returncode != 0 or not found:
        sys.stdout.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        print("FAIL: the boot run did not pass (exit %d)" % proc.returncode)
        return 1
    servers, seconds, requests, per_server, clusters = found.groups()
    print("nova-api boots: %s servers ACTIVE in %s s (%.2f s per server), %s VRM requests (%s per server), "
          "placed %s; whole run with service start-up %.0f s" % (servers, seconds, float(seconds) / int(servers),
                                                                 requests, per_server, clusters, wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Show what the demo playbook changed in vrmsim.

``demo_report.py READY before FILE`` records every object vrmsim holds;
``demo_report.py READY after FILE --start T0 --end T1`` compares the objects
now held with that record and prints a table of what was created, changed and
removed, the number of VRM requests the playbook sent and the time it took.
"""

import argparse
import json
import sys

from vrmsim_config import sim_request

# Kinds are the collection names used in URNs.
KINDS = ("clusters", "hosts", "datastores", "volumes", "dvswitchs", "portgroups",
         "vms", "snapshots")
IGNORED_FIELDS = ("progress", "status", "updateTime", "localStartTime", "localFinishTime")


def collect(ready):
    objects = {}
    for kind in KINDS:
        answer = sim_request(ready, "GET", "/_sim/objects?kind=%s" % kind)
        for record in answer.get("objects", []):
            wire = record.get("object", {})
            objects[record["urn"]] = {
                "kind": record.get("kind", kind),
                "name": wire.get("name", ""),
                "object": wire,
            }
    return objects


def fingerprint(wire):
    return json.dumps({k: v for k, v in wire.items() if k not in IGNORED_FIELDS}, sort_keys=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ready_file")
    parser.add_argument("when", choices=("before", "after"))
    parser.add_argument("record")
    parser.add_argument("--start", type=float, default=0.0)
    parser.add_argument("--end", type=float, default=0.0)
    args = parser.parse_args(argv)
    with open(args.ready_file, encoding="utf-8") as handle:
        ready = json.loads(handle.readline())

    if args.when == "before":
        seq = sim_request(ready, "GET", "/_sim/requests").get("last_seq", 0)
        with open(args.record, "w", encoding="utf-8") as handle:
            json.dump({"objects": collect(ready), "last_seq": seq}, handle)
        return 0

    with open(args.record, encoding="utf-8") as handle:
        before = json.load(handle)
    old = before["objects"]
    now = collect(ready)
    rows = []
    for urn, item in sorted(now.items(), key=lambda kv: (kv[1]["kind"], kv[1]["name"])):
        if urn not in old:
            rows.append(("created", item["kind"], item["name"], urn))
        elif fingerprint(old[urn]["object"]) != fingerprint(item["object"]):
            rows.append(("changed", item["kind"], item["name"], urn))
    for urn, item in sorted(old.items()):
        if urn not in now:
            rows.append(("removed", item["kind"], item["name"], urn))
    requests = sim_request(ready, "GET", "/_sim/requests?since=%d" % before.get("last_seq", 0))
    count = len(requests.get("requests", []))

    print()
    print("What the demo playbook did in vrmsim")
    widths = [7, 10, 28, 0]
    header = ("action", "kind", "name", "urn")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * max(w, 4) for w in widths[:3]) + "  " + "-" * 40)
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    if not rows:
        print("(no object was created, changed or removed)")
    print()
    print("%d objects created, %d changed, %d removed; %d VRM requests; %.1f s"
          % (sum(r[0] == "created" for r in rows), sum(r[0] == "changed" for r in rows),
             sum(r[0] == "removed" for r in rows), count, args.end - args.start))
    return 0


if __name__ == "__main__":
    sys.exit(main())

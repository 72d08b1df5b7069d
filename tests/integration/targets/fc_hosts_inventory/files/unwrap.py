"""Read ansible-inventory JSON on stdin; print it with ansible-core's {"__ansible_unsafe": v} wrappers removed."""
import json
import sys


def unwrap(value):
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


json.dump(unwrap(json.load(sys.stdin)), sys.stdout)

"""Turn vrmsim's ready line into what the tests and the demo need.

Usage::

    python hacking/vrmsim_config.py READY_FILE [--integration-config PATH]
                                               [--snapshot NAME] [--env]

* ``--integration-config`` writes the variables every integration target
  reads (``fc_host``, ``fc_port``, ``fc_username``, ``fc_password``,
  ``fc_ca_path``, ``fc_validate_certs``, ``fc_site_urn``, ``vrmsim_url``).
* ``--snapshot`` asks vrmsim to save a named snapshot of its state (the
  integration targets restore ``baseline`` before they start).
* ``--env`` prints ``export FC_...=...`` lines for a shell to ``eval``.
"""

import argparse
import json
import shlex
import ssl
import sys
import urllib.request
from urllib.parse import urlsplit


def sim_request(ready, method, path, body=None):
    context = ssl.create_default_context(cafile=ready["ca_file"])
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        ready["url"].rstrip("/") + path, data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else {}


def yaml_scalar(value):
    # JSON is a subset of YAML: quoting through json keeps every value exact.
    return json.dumps(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ready_file")
    parser.add_argument("--integration-config")
    parser.add_argument("--snapshot")
    parser.add_argument("--env", action="store_true")
    args = parser.parse_args(argv)

    with open(args.ready_file, encoding="utf-8") as handle:
        ready = json.loads(handle.readline())
    url = urlsplit(ready["url"])
    settings = {
        "fc_host": url.hostname,
        "fc_port": ready["port"],
        "fc_username": ready["username"],
        "fc_password": ready["password"],
        "fc_ca_path": ready["ca_file"],
        "fc_validate_certs": True,
        "fc_site_urn": ready.get("site_urn", ""),
        "vrmsim_url": ready["url"].rstrip("/"),
    }

    if args.snapshot:
        sim_request(ready, "POST", "/_sim/snapshots", {"name": args.snapshot})

    if args.integration_config:
        with open(args.integration_config, "w", encoding="utf-8") as handle:
            handle.write("---\n# Written by hacking/vrmsim_config.py for this test run.\n")
            for key, value in settings.items():
                handle.write("%s: %s\n" % (key, yaml_scalar(value)))

    if args.env:
        env = {
            "FC_HOST": settings["fc_host"],
            "FC_PORT": str(settings["fc_port"]),
            "FC_USERNAME": settings["fc_username"],
            "FC_PASSWORD": settings["fc_password"],
            "FC_CA_PATH": settings["fc_ca_path"],
            "FC_VALIDATE_CERTS": "true",
            "VRMSIM_URL": settings["vrmsim_url"],
        }
        for key, value in env.items():
            print("export %s=%s" % (key, shlex.quote(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

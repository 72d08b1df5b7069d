"""What every benchmark needs: a vrmsim of its own, the collection where Ansible finds it, and the request log.

Not a benchmark itself; the scripts beside it import it (they are run from any directory, so they put this
directory on sys.path first, which Python does for the script's own directory anyway).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)


class Sim(object):
    """A vrmsim started in a fresh temporary directory, with the collection linked in beside it.

    ``extra`` are more ``vrmsim serve`` options (``--vms 10000``, ``--time-mode timed``...). Use it as a
    context manager: vrmsim stops and the directory goes at the end.
    """

    def __init__(self, *extra, prefix="fc-bench-"):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        coll = os.path.join(self.tmp, "collections", "ansible_collections", "fusioncompute")
        os.makedirs(coll)
        os.symlink(ROOT, os.path.join(coll, "core"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vrmsim", "serve", "--state-dir", os.path.join(self.tmp, "state"),
             "--listen", "127.0.0.1:0", "--seed", "demo"] + list(extra),
            cwd=os.path.join(ROOT, "simulator"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise SystemExit("vrmsim did not start")
        self.ready = json.loads(line)
        self.url = self.ready["url"]
        self.http = requests.Session()
        self.http.verify = self.ready["ca_file"]
        self.http.trust_env = False

    def env(self, **more):
        """The environment of an ansible command against this vrmsim (FC_* variables, the collection path)."""
        env = dict(os.environ, FC_HOST="127.0.0.1", FC_PORT=str(self.ready["port"]),
                   FC_USERNAME=self.ready["username"], FC_PASSWORD=self.ready["password"],
                   FC_CA_PATH=self.ready["ca_file"],
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(self.tmp, "collections"),
                   ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                   PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
        env.update(more)
        return env

    def mark(self):
        """The sequence number of the last request vrmsim logged so far."""
        return self.http.get(self.url + "/_sim/requests").json()["last_seq"]

    def requests_since(self, mark):
        """The requests vrmsim logged after ``mark`` (method, path, query, status, time...), oldest first."""
        return self.http.get(self.url + "/_sim/requests", params={"since": mark}).json()["requests"]

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guards for creates by name: VRM lets two objects share a name, so concurrent runs could make twins.

* ``CreationLock``: runs on one controller that create the same name on the same VRM take turns
  (an ``fcntl`` lock on a file per VRM, kind and name; the kernel releases it when the process ends).
* ``oldest``: the order all runs agree on when twins appeared anyway (runs on several controllers):
  the oldest object stays, each run removes only the twin it made (docs/races.md).
"""

from __future__ import annotations

import hashlib
import os
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Ansible controllers are POSIX systems
    fcntl = None

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

LOCK_DIR_ENV = "FC_LOCK_DIR"


def lock_dir():
    """Where the lock files live: FC_LOCK_DIR, else ~/.ansible/tmp/fusioncompute_locks."""
    return os.environ.get(LOCK_DIR_ENV) or os.path.join(os.path.expanduser("~"), ".ansible", "tmp",
                                                        "fusioncompute_locks")


class CreationLock(object):
    """An exclusive lock for creating ``kind`` ``name`` on the VRM ``vrm``, held until ``release``.

    ``acquire`` waits up to ``timeout`` seconds for another run of this controller that holds it, then
    fails naming the lock file. Where no lock file can be made (no writable home), it returns a
    sentence for a warning and the run goes on unguarded.
    """

    def __init__(self, vrm, kind, name, timeout, sleep=time.sleep, clock=time.monotonic):
        key = "%s|%s|%s" % (vrm, kind, name)
        self.what = "%s %r" % (kind, name)
        self.path = os.path.join(lock_dir(), hashlib.sha256(key.encode("utf-8")).hexdigest()[:40] + ".lock")
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.fd = None

    def acquire(self):
        if fcntl is None:
            return "no file locks on this system: creates of %s by concurrent runs are not serialised" % self.what
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            return "cannot make the lock file %s (%s): creates of %s by concurrent runs are not serialised; set " \
                   "FC_LOCK_DIR to a writable directory" % (self.path, exc.strerror or exc, self.what)
        deadline = self.clock() + self.timeout
        delay = 0.05
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if self.clock() >= deadline:
                    os.close(fd)
                    raise FcError("Another run on this controller has been creating %s for more than %s seconds "
                                  "(it holds the lock file %s). Let it finish, or raise timeout." % (
                                      self.what, self.timeout, self.path))
                self.sleep(delay)
                delay = min(0.5, delay * 2)
        os.ftruncate(fd, 0)
        os.write(fd, ("%d %s\n" % (os.getpid(), self.what)).encode("utf-8"))
        self.fd = fd
        return None

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def hold(fc, kind, name):
    """The CreationLock of ``kind`` ``name`` on the module's VRM, acquired (a warning where it cannot be)."""
    p = fc.params
    lock = CreationLock("%s:%s" % (p.get("host"), p.get("port")), kind, name, p.get("timeout") or 600)
    trouble = lock.acquire()
    if trouble:
        fc.warn(trouble[0].upper() + trouble[1:] + ".")
    return lock


def age_key(obj):
    """Oldest first: the creation time VRM records, then the URN's id (VRM numbers objects in order)."""
    ident = (obj.get("urn") or "").rsplit(":", 1)[-1]
    return (obj.get("createTime") or "", len(ident), ident)


def oldest(objs):
    return sorted(objs, key=age_key)[0]

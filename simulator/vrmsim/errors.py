"""VRM error answers: ``{"errorCode": "...", "errorDes": "..."}`` with an HTTP status."""


class VrmError(Exception):
    """An error the simulator answers with the VRM error body."""

    def __init__(self, code, des, status=400):
        super().__init__("%s: %s" % (code, des))
        self.code = str(code)
        self.des = des
        self.status = status

    def body(self):
        return {"errorCode": self.code, "errorDes": self.des}


def not_found(kind, urn):
    """The documented "object does not exist" answer for a kind (HTTP 400)."""
    code, what = NOT_FOUND.get(kind, ("10000008", "object"))
    return VrmError(code, "The %s %s does not exist." % (what, urn))


# Resource specific "does not exist" codes (vrm-api.md 5.3); everything else uses 10000008.
NOT_FOUND = {
    "hosts": ("10300027", "host"),
    "clusters": ("10300028", "cluster"),
    "datastores": ("10410006", "datastore"),
    "volumes": ("10420004", "volume"),
    "portgroups": ("10540107", "port group"),
    "dvswitchs": ("10540010", "DVS"),
    "snapshots": ("10300109", "snapshot"),
    "vms": ("10000008", "VM"),
    "tasks": ("10000008", "task"),
    "sites": ("10000020", "site"),
    "nics": ("10512003", "virtual NIC"),
    "storageresources": ("10000008", "storage resource"),
    "storageunits": ("10000008", "storage unit"),
}

NOT_LOGGED_IN = ("10000002", "The user has not logged in or the session timed out. Log in again.")
BAD_PASSWORD = ("10100103", "The user name or password is incorrect.")
MALFORMED = "10000001"

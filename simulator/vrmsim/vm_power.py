"""The VM power life cycle: start, stop, reboot, hibernate, pause, resume."""

from vrmsim import placement
from vrmsim.common import site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.vm_spec import BUSY_STATES
from vrmsim.vms import _place_and_run, _set_status, _tools_running, _vm, compute_move


# The VM life cycle: (operation, from-state) -> (task type, transient state, success state)
# Every pair not in the table is refused with the code of REFUSALS (or 10300015).
LIFECYCLE = {
    ("start", "stopped"): ("StartVmTask", "starting", "running"),
    ("start", "hibernated"): ("StartVmTask", "starting", "running"),
    ("stop", "running"): ("StopVmTask", "stopping", "stopped"),
    ("stop", "pause"): ("StopVmTask", "stopping", "stopped"),
    ("reboot", "running"): ("RebootVmTask", "running", "running"),
    ("hibernate", "running"): ("HibernateVmTask", "hibernating", "hibernated"),
    ("pause", "running"): ("PauseVmTask", "running", "pause"),
    ("resume", "pause"): ("ResumeVmTask", "pause", "running"),
}
REFUSALS = {
    ("start", "running"): ("10300094", "The VM is already running."),
    ("start", "pause"): ("10300094", "The VM is running (paused); resume it instead."),
    ("stop", "stopped"): ("10300092", "The VM is already stopped."),
    ("stop", "hibernated"): ("10300092", "The VM is hibernated; it is already stopped."),
    ("hibernate", "hibernated"): ("10300093", "The VM is already hibernated."),
    ("hibernate", "stopped"): ("10300092", "The VM is stopped; it cannot be hibernated."),
    ("hibernate", "stopping"): ("10300098", "The VM is stopping; it cannot be hibernated."),
    ("stop", "hibernating"): ("10300097", "The VM is hibernating; it cannot be stopped."),
    ("reboot", "stopped"): ("10300092", "The VM is stopped; start it instead of rebooting."),
    ("reboot", "hibernated"): ("10300093", "The VM is hibernated; start it instead of rebooting."),
    ("pause", "stopped"): ("10300092", "The VM is stopped; it cannot be paused."),
    ("pause", "pause"): ("10300096", "The VM is already paused."),
    ("resume", "running"): ("10300094", "The VM is already running."),
    ("resume", "stopped"): ("10300092", "The VM is stopped; start it instead."),
}



@handler("vm_status")
def _vm_status_handler(engine, task, status, busy_clear=True):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    vm.sim["target_host"] = None
    _set_status(engine, vm, status)


# -- power ------------------------------------------------------------------------------------

def _power(engine, req, op):
    site_check(engine, req)
    vm = _vm(engine, req)
    if vm.data.get("isTemplate"):
        raise VrmError("10300021", "The operation is not supported on a template.")
    state = vm.data["status"]
    body = req.json()
    mode = body.get("mode", "safe")
    if op in ("stop", "reboot") and mode not in ("safe", "force"):
        raise VrmError("10000001", "mode must be safe or force.")
    key = (op, state)
    if key in REFUSALS:
        code, des = REFUSALS[key]
        raise VrmError(code, des)
    if key not in LIFECYCLE:
        if state in BUSY_STATES or vm.sim.get("busy"):
            raise VrmError("10300101", "The VM is busy (%s); retry when its task has finished." % state)
        raise VrmError("10300015", "The VM does not allow %s in state %s." % (op, state))
    if vm.sim.get("busy"):
        raise VrmError("10300101", "The VM is busy with another task; retry when it has finished.")
    if op in ("stop", "reboot", "hibernate") and mode == "safe" and not _tools_running(vm):
        raise VrmError("10300026", "VM Tools are not running in the guest; use mode force.")
    ttype, transient, final = LIFECYCLE[key]
    if op == "start":
        pinned = vm.sim.get("pinned") if vm.data.get("isBindingHost") else None
        _place_and_run(engine, vm, pinned)
    vm.data["status"] = transient
    task = engine.start_task(ttype, vm.urn, vm.data["name"], done=("vm_power_done", {"status": final, "op": op}),
                             fail=("vm_status", {"status": state}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task)


@handler("vm_power_done")
def _vm_power_done(engine, task, status, op):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    if op == "start":
        target = vm.sim.pop("target_host", None)
        host = engine.find(target or "", "hosts")
        if host is None or host.data["status"] != "normal":
            host = placement.choose(engine, vm, vm.data["clusterUrn"])
        compute_move(engine, vm, host)
    if op == "reboot":
        vm.sim["started_at"] = engine.now()
    _set_status(engine, vm, status)


@route("POST", "/service/sites/{site}/vms/{vm}/action/start")
def vm_start(engine, req):
    """Start (or wake) a VM (task StartVmTask; 10300094 when running)."""
    return _power(engine, req, "start")


@route("POST", "/service/sites/{site}/vms/{vm}/action/stop")
def vm_stop(engine, req):
    """Stop a VM, mode safe|force (task StopVmTask; 10300092 when stopped)."""
    return _power(engine, req, "stop")


@route("POST", "/service/sites/{site}/vms/{vm}/action/reboot")
def vm_reboot(engine, req):
    """Reboot a VM, mode safe|force (task RebootVmTask)."""
    return _power(engine, req, "reboot")


@route("POST", "/service/sites/{site}/vms/{vm}/action/hibernate")
def vm_hibernate(engine, req):
    """Hibernate a VM (task HibernateVmTask; 10300093 when hibernated)."""
    return _power(engine, req, "hibernate")


@route("POST", "/service/sites/{site}/vms/{vm}/action/pause")
def vm_pause(engine, req):
    """Pause a VM (status pause; task PauseVmTask)."""
    return _power(engine, req, "pause")


@route("POST", "/service/sites/{site}/vms/{vm}/action/resume")
def vm_resume(engine, req):
    """Resume a paused VM (task ResumeVmTask)."""
    return _power(engine, req, "resume")

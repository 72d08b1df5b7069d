#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_task_info
short_description: List, read or wait for FusionCompute VRM tasks
version_added: 0.1.0
description:
  - Without O(urn), lists the tasks of the site, newest first, filtered on the VRM.
  - With O(urn), reads that task; with O(wait=true) as well, waits until it ends and fails if it failed.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  urn:
    description: URN of one task.
    type: str
  entity_urn:
    description: Only tasks acting on this object.
    type: str
  status:
    description: Only tasks in this state.
    type: str
    choices: [waiting, running, success, failed, cancelling]
  type:
    description: Only tasks of this VRM type (for example V(StartVmTask)).
    type: str
  limit:
    description: At most this many tasks (newest first).
    type: int
    default: 100
  wait:
    description: With O(urn), wait until the task ends; a failed task fails the module with its error code.
    type: bool
    default: false
  follow_up:
    description: With O(wait), also wait for tasks the VRM starts afterwards for the same object.
    type: bool
    default: false
  timeout:
    description: Seconds to wait with O(wait).
    type: int
    default: 600
  poll_interval:
    description: Longest pause in seconds between two polls with O(wait).
    type: float
    default: 5.0
seealso:
  - module: fusioncompute.core.fc_resource
"""

EXAMPLES = r"""
- name: Deploy web01 without waiting for VRM's task
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    wait: false
  register: started

- name: Running tasks of the VM
  fusioncompute.core.fc_task_info:
    entity_urn: "{{ started.vm.urn }}"
    status: running
  register: running

- name: Wait for the deployment task
  fusioncompute.core.fc_task_info:
    urn: "{{ started.tasks[0].task_urn }}"
    wait: true
    timeout: 900
"""

RETURN = r"""
tasks:
  description: The tasks, snake_case keys, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    cancelable:
      description: Whether the task can be cancelled.
      type: bool
    cancelled:
      description: Whether it was cancelled.
      type: bool
    cost_time:
      description: Duration VRM reports, in seconds.
      type: str
    entity_name:
      description: Name of that object.
      type: str
    entity_urn:
      description: URN of the object the task works on.
      type: str
    finish_time:
      description: End (VRM's time; empty while it runs).
      type: str
    is_retry:
      description: Whether it is a retry of another task.
      type: bool
    is_rollback:
      description: Whether it is a rollback.
      type: bool
    local_finish_time:
      description: End, in milliseconds since 1970.
      type: int
    local_start_time:
      description: Start, in milliseconds since 1970.
      type: int
    params:
      description: Parameters VRM records for the task.
      type: dict
    progress:
      description: Progress in percent.
      type: int
    reason:
      description: VRM error code of a failed task (empty otherwise).
      type: str
    reason_des:
      description: VRM's description of that error.
      type: str
    relate_task_ids:
      description: Ids of related (follow-up) tasks.
      type: list
      elements: str
    request_id:
      description: Id of the request that started it.
      type: str
    start_time:
      description: Start (VRM's time).
      type: str
    status:
      description: V(waiting), V(running), V(success), V(failed) or V(cancelled).
      type: str
    task_from:
      description: Where the task was started from (VRM C(taskFrom)).
      type: int
    task_id:
      description: Id of the task.
      type: str
    task_type:
      description: Task type, as VRM repeats it.
      type: str
    type:
      description: Task type (for example C(CreateVMSnapshotTask)).
      type: str
    uri:
      description: Path of the task in VRM's API.
      type: str
    urn:
      description: URN of the task.
      type: str
    user:
      description: User who started the task.
      type: str
  sample:
    - cancelable: false
      cancelled: false
      cost_time: '0'
      entity_name: web01
      entity_urn: urn:sites:4D6B0918:vms:i-00000003
      finish_time: '2026-12-06 20:37:58'
      is_retry: false
      is_rollback: false
      local_finish_time: 1796589478220
      local_start_time: 1796589478219
      params: {}
      progress: 100
      reason: ''
      reason_des: ''
      relate_task_ids: []
      request_id: 2f910637-115f-4f41-a118-4bc75906954e
      start_time: '2026-12-06 20:37:58'
      status: success
      task_from: 1
      task_id: '1002'
      task_type: CreateVMSnapshotTask
      type: CreateVMSnapshotTask
      uri: /service/sites/4D6B0918/tasks/1002
      urn: urn:sites:4D6B0918:tasks:1002
      user: admin
task:
  description: The task of O(urn).
  returned: when urn is given
  type: dict
  contains:
    cancelable:
      description: Whether the task can be cancelled.
      type: bool
    cancelled:
      description: Whether it was cancelled.
      type: bool
    cost_time:
      description: Duration VRM reports, in seconds.
      type: str
    entity_name:
      description: Name of that object.
      type: str
    entity_urn:
      description: URN of the object the task works on.
      type: str
    finish_time:
      description: End (VRM's time; empty while it runs).
      type: str
    is_retry:
      description: Whether it is a retry of another task.
      type: bool
    is_rollback:
      description: Whether it is a rollback.
      type: bool
    local_finish_time:
      description: End, in milliseconds since 1970.
      type: int
    local_start_time:
      description: Start, in milliseconds since 1970.
      type: int
    params:
      description: Parameters VRM records for the task.
      type: dict
    progress:
      description: Progress in percent.
      type: int
    reason:
      description: VRM error code of a failed task (empty otherwise).
      type: str
    reason_des:
      description: VRM's description of that error.
      type: str
    relate_task_ids:
      description: Ids of related (follow-up) tasks.
      type: list
      elements: str
    request_id:
      description: Id of the request that started it.
      type: str
    start_time:
      description: Start (VRM's time).
      type: str
    status:
      description: V(waiting), V(running), V(success), V(failed) or V(cancelled).
      type: str
    task_from:
      description: Where the task was started from (VRM C(taskFrom)).
      type: int
    task_id:
      description: Id of the task.
      type: str
    task_type:
      description: Task type, as VRM repeats it.
      type: str
    type:
      description: Task type (for example C(CreateVMSnapshotTask)).
      type: str
    uri:
      description: Path of the task in VRM's API.
      type: str
    urn:
      description: URN of the task.
      type: str
    user:
      description: User who started the task.
      type: str
  sample:
    cancelable: false
    cancelled: false
    cost_time: '0'
    entity_name: web01
    entity_urn: urn:sites:4D6B0918:vms:i-00000003
    finish_time: '2026-12-06 20:37:58'
    is_retry: false
    is_rollback: false
    local_finish_time: 1796589478220
    local_start_time: 1796589478219
    params: {}
    progress: 100
    reason: ''
    reason_des: ''
    relate_task_ids: []
    request_id: 2f910637-115f-4f41-a118-4bc75906954e
    start_time: '2026-12-06 20:37:58'
    status: success
    task_from: 1
    task_id: '1002'
    task_type: CreateVMSnapshotTask
    type: CreateVMSnapshotTask
    uri: /service/sites/4D6B0918/tasks/1002
    urn: urn:sites:4D6B0918:tasks:1002
    user: admin
duration:
  description: Seconds waited.
  returned: when wait is true
  type: float
  sample: 2.4
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_naming import snake_keys
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(
        urn=dict(type="str"), entity_urn=dict(type="str"),
        status=dict(type="str", choices=["waiting", "running", "success", "failed", "cancelling"]),
        type=dict(type="str"), limit=dict(type="int", default=100),
        wait=dict(type="bool", default=False), follow_up=dict(type="bool", default=False),
        timeout=dict(type="int", default=600), poll_interval=dict(type="float", default=5.0),
    ), wait=False)
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    if p["urn"]:
        if not is_urn(p["urn"]) or ":tasks:" not in p["urn"]:
            raise FcError("urn must be a task URN (urn:sites:<site>:tasks:<id>), got %r." % p["urn"])
        if p["wait"]:
            res = fc.waiter().wait({"taskUri": urn_to_uri(p["urn"])}, follow_up=p["follow_up"])
            task = snake_keys(res["task"])
            return {"changed": False, "task": task, "tasks": [task] + snake_keys(res["follow_up"]),
                    "duration": res["duration"]}
        task = snake_keys(fc.client.get(urn_to_uri(p["urn"])))
        return {"changed": False, "task": task, "tasks": [task]}
    if p["limit"] < 1:
        raise FcError("limit must be at least 1.")
    params = {}
    for opt, key in (("entity_urn", "entityUrn"), ("status", "status"), ("type", "type")):
        if p[opt]:
            params[key] = p[opt]
    tasks = []
    for t in fc.client.paged(fc.site_uri + "/tasks", "tasks", params):
        tasks.append(snake_keys(t))
        if len(tasks) >= p["limit"]:
            break
    return {"changed": False, "tasks": tasks}


if __name__ == "__main__":
    main()

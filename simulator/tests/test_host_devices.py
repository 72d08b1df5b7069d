"""Passthrough devices: a host's PCI devices (GPU, SSD, SR-IOV VFs) and USB devices, binding them to VMs, and the
rules that follow (one VM per device, the VM bound to the device's host, no migration, HA leaves it)."""

from test_vm_lifecycle import _blank


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


def _pcis(sim, **params):
    return sim.ok("GET", sim.site + "/pcis", params=dict({"limit": 100, "offset": 0}, **params))["pcis"]


def _host(sim, name):
    return sim.find("hosts", name)["urn"]


def _gpu(sim, host="cna-prod-01"):
    return next(p for p in _pcis(sim, device="GPU") if p["hostUrn"] == _host(sim, host))


def _vm(sim, name, reserve=True, boot=False, cluster="cluster-prod"):
    ans, _task = _blank(sim, name, cluster=cluster, boot=boot)
    vm = sim.ok("GET", ans["uri"])
    if reserve:
        sim.wait(sim.ok("PUT", vm["uri"], {"memory": {"reservation": 1024}}))
    return sim.ok("GET", ans["uri"])


def _start(sim, vm):
    sim.wait(sim.ok("POST", vm["uri"] + "/action/start"))
    return sim.ok("GET", vm["uri"])


def _stop(sim, vm):
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))


# route: GET /service/sites/{site}/pci-products
# route: GET /service/sites/{site}/pcis
# route: GET /service/sites/{site}/pcis/{pci}
def test_seeded_pci_devices_and_filters(sim):
    products = sim.ok("GET", sim.site + "/pci-products")["products"]
    assert {p["deviceType"] for p in products} == {"GPU", "SSD", "SRIOV_VF"}
    assert [p["productName"] for p in sim.ok("GET", sim.site + "/pci-products", params={"vendor": "10de"})[
        "products"]] == ["Tesla T4"]
    every = _pcis(sim)
    assert len(every) == 7 and all(p["consumer"] is None for p in every)
    gpus = _pcis(sim, device="GPU")
    assert {p["hostUrn"] for p in gpus} == {_host(sim, "cna-prod-01"), _host(sim, "cna-prod-02")}
    vfs = _pcis(sim, device="SRIOV_VF")
    assert [(p["physicalNic"], p["func"]) for p in vfs] == [("eth4", i) for i in range(4)]
    assert vfs[0]["product"]["alias"] == "eth4 VF 0" and vfs[0]["product"]["vendorName"] == "Intel Corporation"
    one = sim.ok("GET", gpus[0]["uri"])["pci"]
    assert one == gpus[0] and one["bus"] == 0x3b and one["product"]["productNo"] == "1eb8"
    assert len(_pcis(sim, consumer="null")) == 7
    _err(sim.get(sim.site + "/pcis/999"), "10380003")
    _err(sim.get(sim.site + "/pcis", params={"limit": 101, "offset": 0}), "10000013")


# route: POST /service/sites/{site}/vms/{vm}/pcis
# route: GET /service/sites/{site}/vms/{vm}/pcis
# route: DELETE /service/sites/{site}/vms/{vm}/pcis/{pci}
def test_gpu_bind_binds_the_vm_to_the_host_and_unbind_frees_both(sim):
    gpu = _gpu(sim)
    vm = _vm(sim, "gpu-vm")
    task = sim.wait(sim.ok("POST", vm["uri"] + "/pcis", {"pciUrn": gpu["urn"]}))
    assert task["type"] == "BindPciDevTask"
    vm = sim.ok("GET", vm["uri"])
    assert vm["vmConfig"]["pcis"] == [gpu["urn"]]
    assert vm["isBindingHost"] is True and vm["hostUrn"] == gpu["hostUrn"]
    held = sim.ok("GET", vm["uri"] + "/pcis")
    assert [p["urn"] for p in held["pcis"]] == [gpu["urn"]] and held["pagination"]["totalCount"] == 1
    assert held["pcis"][0]["product"]["deviceType"] == "GPU"
    assert sim.ok("GET", gpu["uri"])["pci"]["consumer"] == {"uri": vm["uri"], "urn": vm["urn"]}
    assert [p["urn"] for p in _pcis(sim, consumer=vm["urn"])] == [gpu["urn"]]
    assert gpu["urn"] not in [p["urn"] for p in _pcis(sim, consumer="null")]
    # the VM starts on the GPU's host, whatever placement would prefer
    assert _start(sim, vm)["hostUrn"] == gpu["hostUrn"]
    _err(sim.delete(vm["uri"] + "/pcis/" + gpu["urn"].rsplit(":", 1)[1]), "10300320")
    _stop(sim, vm)
    task = sim.wait(sim.ok("DELETE", vm["uri"] + "/pcis/" + gpu["urn"].rsplit(":", 1)[1]))
    assert task["type"] == "UnbindPciDevTask"
    vm = sim.ok("GET", vm["uri"])
    assert vm["vmConfig"]["pcis"] == [] and vm["isBindingHost"] is False
    assert sim.ok("GET", gpu["uri"])["pci"]["consumer"] is None
    _err(sim.delete(vm["uri"] + "/pcis/" + gpu["urn"].rsplit(":", 1)[1]), "10380005")


def test_pci_refusals(sim):
    gpu = _gpu(sim)
    vm = _vm(sim, "holder")
    sim.wait(sim.ok("POST", vm["uri"] + "/pcis", {"pciUrn": gpu["urn"]}))
    other = _vm(sim, "other")
    _err(sim.post(other["uri"] + "/pcis", {"pciUrn": gpu["urn"]}), "10380004")
    _err(sim.post(other["uri"] + "/pcis", {"pciUrn": sim.site_urn + ":pcis:999"}), "10380003")
    _err(sim.post(other["uri"] + "/pcis", {}), "10000001")
    unreserved = _vm(sim, "unreserved", reserve=False)
    gpu2 = _gpu(sim, "cna-prod-02")
    _err(sim.post(unreserved["uri"] + "/pcis", {"pciUrn": gpu2["urn"]}), "10321056")
    # a VM bound to cna-prod-01 by its GPU cannot take a device of cna-prod-02
    _err(sim.post(vm["uri"] + "/pcis", {"pciUrn": gpu2["urn"]}), "11400052")
    running = _start(sim, other)
    _err(sim.post(running["uri"] + "/pcis", {"pciUrn": gpu2["urn"]}), "10300320")
    vf = _pcis(sim, device="SRIOV_VF")[0]
    _err(sim.post(running["uri"] + "/pcis", {"pciUrn": vf["urn"]}), "10301022")
    # deleting the holder gives the GPU back
    sim.wait(sim.ok("DELETE", vm["uri"]))
    assert sim.ok("GET", gpu["uri"])["pci"]["consumer"] is None


def test_sriov_vf_blocks_migration_and_detach_while_running(sim):
    vf = _pcis(sim, device="SRIOV_VF")[1]
    vm = _vm(sim, "nfv")
    sim.wait(sim.ok("POST", vm["uri"] + "/pcis", {"pciUrn": vf["urn"]}))
    vm = _start(sim, vm)
    assert vm["hostUrn"] == vf["hostUrn"]
    _err(sim.delete(vm["uri"] + "/pcis/" + vf["urn"].rsplit(":", 1)[1]), "10301021")
    _err(sim.post(vm["uri"] + "/action/migrate", {"location": _host(sim, "cna-prod-03")}), "10300931")


# route: GET /service/sites/{site}/usbs
# route: GET /service/sites/{site}/usbs/{usb}
# route: POST /service/sites/{site}/vms/{vm}/action/attachusb
# route: POST /service/sites/{site}/vms/{vm}/action/detachusb
def test_usb_attach_to_running_vm_and_the_rules(sim):
    prod1 = _host(sim, "cna-prod-01")
    keys = sim.ok("GET", sim.site + "/usbs", params={"scope": prod1})
    assert keys["total"] == 1
    key = keys["usbs"][0]
    assert key["hostName"] == "cna-prod-01" and key["allocateStatus"] == "UnAllocated" and key["vmUrn"] == ""
    assert sim.ok("GET", key["uri"]) == key
    cluster = sim.find("clusters", "cluster-prod")["urn"]
    assert sim.ok("GET", sim.site + "/usbs", params={"scope": cluster})["total"] == 1
    _err(sim.get(sim.site + "/usbs"), "10000001")
    vm = _vm(sim, "usb-vm", reserve=False)
    # bind the VM to the key's host first: attach it stopped, then it starts there
    task = sim.wait(sim.ok("POST", vm["uri"] + "/action/attachusb", {"usbUrn": key["urn"], "type": "xHCI"}))
    assert task["type"] == "BindUsbDevTask"
    vm = sim.ok("GET", vm["uri"])
    assert vm["vmConfig"]["usb"] == [{"controllerType": "xHCI",
                                      "device": [{"usbUrn": key["urn"], "usbHostName": "cna-prod-01"}]}]
    assert vm["isBindingHost"] is True
    now = sim.ok("GET", key["uri"])
    assert now["allocateStatus"] == "Allocated" and now["workStatus"] == "Working" and now["vmName"] == "usb-vm"
    assert now["usbControllerType"] == "xHCI"
    assert [u["urn"] for u in sim.ok("GET", sim.site + "/usbs", params={"scope": vm["urn"]})["usbs"]] == [key["urn"]]
    assert sim.ok("GET", sim.site + "/usbs", params={"scope": prod1, "allocateStatus": "UnAllocated"})["total"] == 0
    vm = _start(sim, vm)
    assert vm["hostUrn"] == prod1
    _err(sim.post(vm["uri"] + "/action/migrate", {"location": _host(sim, "cna-prod-02")}), "10300059")
    other = _vm(sim, "usb-other", reserve=False)
    _err(sim.post(other["uri"] + "/action/attachusb", {"usbUrn": key["urn"]}), "10300055")
    dev_key = sim.ok("GET", sim.site + "/usbs", params={"scope": _host(sim, "cna-dev-01")})["usbs"][0]
    _err(sim.post(vm["uri"] + "/action/attachusb", {"usbUrn": dev_key["urn"]}), "10300049")
    _err(sim.post(vm["uri"] + "/action/attachusb", {"usbUrn": key["urn"], "type": "OHCI"}), "10300054")
    # USB comes off a running VM
    task = sim.wait(sim.ok("POST", vm["uri"] + "/action/detachusb", {"usbUrn": key["urn"]}))
    assert task["type"] == "UnbindUsbDevTask"
    vm = sim.ok("GET", vm["uri"])
    assert vm["vmConfig"]["usb"][0]["device"] == [] and vm["isBindingHost"] is False
    _err(sim.post(vm["uri"] + "/action/detachusb", {"usbUrn": key["urn"]}), "10300056")
    # a running VM on another host cannot take the dev key
    _err(sim.post(vm["uri"] + "/action/attachusb", {"usbUrn": dev_key["urn"]}), "10300159")


def test_ha_leaves_a_passthrough_vm_stopped(sim):
    gpu = _gpu(sim, "cna-prod-02")
    vm = _vm(sim, "ha-gpu")
    sim.wait(sim.ok("POST", vm["uri"] + "/pcis", {"pciUrn": gpu["urn"]}))
    _start(sim, vm)
    sim.sim("POST", "/hosts/%s/fail" % gpu["hostUrn"])
    assert sim.obj(vm["urn"])["status"] == "stopped"


def test_drs_moves_the_others_and_leaves_a_passthrough_vm_on_its_host(sim):
    from test_policies import _cycle, _hosts_of, _pin_running
    gpu = _gpu(sim, "cna-prod-01")
    vm = _vm(sim, "drs-gpu")
    sim.wait(sim.ok("POST", vm["uri"] + "/pcis", {"pciUrn": gpu["urn"]}))
    _start(sim, vm)       # the smallest VM on the busiest host: DRS would move it first if it could
    urns = _pin_running(sim, "cna-prod-01", 8)
    _cycle(sim)
    assert len(set(_hosts_of(sim, urns))) == 3
    assert sim.obj(vm["urn"])["hostUrn"] == gpu["hostUrn"]


# route: GET /service/sites/{site}/gpu-products/{product}/virtual-modes
# route: POST /service/sites/{site}/gpu-groups
# route: GET /service/sites/{site}/gpu-groups
# route: GET /service/sites/{site}/gpu-groups/{id}
# route: POST /service/sites/{site}/gpu-groups/{id}/pcis/{pci}
# route: DELETE /service/sites/{site}/gpu-groups/{id}/pcis/{pci}
# route: DELETE /service/sites/{site}/gpu-groups/{id}
def test_gpu_groups_gather_gpus_of_one_product(sim):
    modes = sim.ok("GET", sim.site + "/gpu-products/1eb8/virtual-modes")["virtualModes"]
    assert [(m["name"], m["maxInstanceCount"]) for m in modes][:2] == [("T4-1Q", 16), ("T4-2Q", 8)]
    _err(sim.get(sim.site + "/gpu-products/0a54/virtual-modes"), "10390023")
    _err(sim.get(sim.site + "/gpu-products/ffff/virtual-modes"), "10390009")
    ans = sim.ok("POST", sim.site + "/gpu-groups", {"name": "t4-whole", "productNo": "1eb8", "gpuMode": 0})
    assert ans["urn"].startswith(sim.site_urn + ":gpu-groups:") and sim.wait(ans)["type"] == "CreateGpuGroupTask"
    _err(sim.post(sim.site + "/gpu-groups", {"name": "t4-whole", "productNo": "1eb8", "gpuMode": 0}), "10390017")
    _err(sim.post(sim.site + "/gpu-groups", {"name": "", "productNo": "1eb8"}), "10390004")
    _err(sim.post(sim.site + "/gpu-groups", {"name": "x", "productNo": "1eb8", "gpuMode": 1}), "10390018")
    _err(sim.post(sim.site + "/gpu-groups", {"name": "x", "productNo": "0a54", "gpuMode": 0}), "10390023")
    group = sim.ok("GET", ans["uri"])["gpuGroup"]
    assert group["name"] == "t4-whole" and group["pcis"] == [] and group["virtualMode"] is None
    gpus = _pcis(sim, device="GPU")
    for gpu in gpus:
        sim.wait(sim.ok("POST", ans["uri"] + "/pcis/" + gpu["urn"].rsplit(":", 1)[1]))
    ssd = _pcis(sim, device="SSD")[0]
    _err(sim.post(ans["uri"] + "/pcis/" + ssd["urn"].rsplit(":", 1)[1]), "10390002")
    _err(sim.post(ans["uri"] + "/pcis/" + gpus[0]["urn"].rsplit(":", 1)[1]), "10380004")
    assert [p["urn"] for p in sim.ok("GET", ans["uri"])["gpuGroup"]["pcis"]] == [g["urn"] for g in gpus]
    listed = sim.ok("GET", sim.site + "/gpu-groups", params={"scope": _host(sim, "cna-prod-01"), "limit": 10,
                                                              "offset": 0})
    assert [g["urn"] for g in listed["gpuGroups"]] == [ans["urn"]]
    # a grouped GPU is not bound directly
    _err(sim.post(_vm(sim, "direct")["uri"] + "/pcis", {"pciUrn": gpus[0]["urn"]}), "10380004")
    _err(sim.delete(ans["uri"]), "10390003")
    for gpu in gpus:
        sim.wait(sim.ok("DELETE", ans["uri"] + "/pcis/" + gpu["urn"].rsplit(":", 1)[1]))
    _err(sim.delete(ans["uri"] + "/pcis/" + gpus[0]["urn"].rsplit(":", 1)[1]), "10380005")
    sim.wait(sim.ok("DELETE", ans["uri"]))
    _err(sim.get(ans["uri"]), "10000008")


# route: POST /service/sites/{site}/vms/{vm}/gpu-groups/{group}
# route: GET /service/sites/{site}/vms/{vm}/gpu-groups
# route: DELETE /service/sites/{site}/vms/{vm}/gpu-groups/{group}
# route: GET /service/sites/{site}/gpu-groups/{id}/allocations
def test_binding_a_vm_to_gpu_groups_and_the_capacity_codes(sim):
    whole = sim.ok("POST", sim.site + "/gpu-groups", {"name": "whole", "productNo": "1eb8", "gpuMode": 0})
    shared = sim.ok("POST", sim.site + "/gpu-groups", {"name": "vgpu", "productNo": "1eb8", "gpuMode": 1,
                                                       "virtualMode": "T4-8Q"})
    gpus = _pcis(sim, device="GPU")
    sim.wait(sim.ok("POST", whole["uri"] + "/pcis/" + gpus[0]["urn"].rsplit(":", 1)[1]))
    sim.wait(sim.ok("POST", shared["uri"] + "/pcis/" + gpus[1]["urn"].rsplit(":", 1)[1]))
    whole_id, shared_id = whole["urn"].rsplit(":", 1)[1], shared["urn"].rsplit(":", 1)[1]
    a, b, c = _vm(sim, "ga"), _vm(sim, "gb"), _vm(sim, "gc", reserve=False)
    task = sim.wait(sim.ok("POST", a["uri"] + "/gpu-groups/" + whole_id, {"count": 1}))
    assert task["type"] == "BindGpuGroupTask"
    a = sim.ok("GET", a["uri"])
    assert a["vmConfig"]["gpuGroups"] == [{"gpuGroup": whole["urn"], "count": 1}]
    assert a["isBindingHost"] and a["hostUrn"] == gpus[0]["hostUrn"]
    assert sim.ok("GET", gpus[0]["uri"])["pci"]["consumer"]["urn"] == a["urn"]
    assert [g["urn"] for g in sim.ok("GET", a["uri"] + "/gpu-groups")["gpuGroups"]] == [whole["urn"]]
    # the only GPU of the passthrough group is taken: no capacity
    _err(sim.post(b["uri"] + "/gpu-groups/" + whole_id, {"count": 1}), "10390022")
    _err(sim.post(b["uri"] + "/gpu-groups/" + shared_id, {"count": 0}), "10390013")
    _err(sim.post(b["uri"] + "/gpu-groups/" + shared_id, {"count": 5}), "10390006")
    _err(sim.post(a["uri"] + "/gpu-groups/" + shared_id, {"count": 1}), "10390024")
    _err(sim.post(b["uri"] + "/gpu-groups/999", {}), "10390001")
    # vGPUs: T4-8Q gives two per GPU, shared by VMs; no memory reservation needed
    sim.wait(sim.ok("POST", b["uri"] + "/gpu-groups/" + shared_id, {"count": 1}))
    sim.wait(sim.ok("POST", c["uri"] + "/gpu-groups/" + shared_id, {}))
    d = _vm(sim, "gd")
    _err(sim.post(d["uri"] + "/gpu-groups/" + shared_id, {"count": 1}), "10390022")
    alloc = sim.ok("GET", shared["uri"] + "/allocations")["allocations"]
    assert sorted(x["vmUrn"] for x in alloc) == sorted([b["urn"], c["urn"]]) and {x["status"] for x in alloc} == {
        "idle"}
    running = _start(sim, b)
    assert running["hostUrn"] == gpus[1]["hostUrn"]
    _err(sim.post(b["uri"] + "/action/migrate", {"location": _host(sim, "cna-prod-03")}), "10321016")
    _err(sim.delete(b["uri"] + "/gpu-groups/" + shared_id), "10300320")
    _err(sim.delete(sim.site + "/gpu-groups/" + shared_id), "10390005")
    _stop(sim, b)
    sim.wait(sim.ok("DELETE", b["uri"] + "/gpu-groups/" + shared_id))
    b = sim.ok("GET", b["uri"])
    assert b["vmConfig"]["gpuGroups"] == [] and b["isBindingHost"] is False
    _err(sim.delete(b["uri"] + "/gpu-groups/" + shared_id), "10390008")
    sim.wait(sim.ok("POST", d["uri"] + "/gpu-groups/" + shared_id, {"count": 1}))
    # deleting a VM gives its vGPU back
    sim.wait(sim.ok("DELETE", c["uri"]))
    assert [x["vmUrn"] for x in sim.ok("GET", shared["uri"] + "/allocations")["allocations"]] == [d["urn"]]

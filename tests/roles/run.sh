#!/usr/bin/env bash
# The role scenario: real Debian test hosts (chroots with sshd in their own network namespaces, see
# hacking/testhosts.py) plus vrmsim play a site of 1 VRM node, 3 CNA nodes, 2 image stores and 2 nova-compute
# nodes, which reach vrmsim through a relay on the hub address. imgs1 runs ganesha without systemd, imgs2 boots
# systemd and runs it as nfs-ganesha.service; each registers its own datastore and template. nova1 installs
# nova 34 into a virtualenv from a
# wheelhouse and runs it with start-stop-daemon (no systemd there), nova2 boots systemd as its PID 1, takes
# Debian 12's nova packages (nova_compute_install_method: package; the packages are in the test hosts' image,
# as the hosts have no route to a mirror) and runs nova-compute as a systemd service.
#   1. check-mode deploy before anything exists: no write reaches vrmsim, no file changes on the hosts
#   2. deploy, 3. deploy again: no change, 4. assertions on vrmsim's objects and on the hosts' files
#   5. wrong variables fail in the argument-spec or pre-check phase and change nothing
# Everything it starts is torn down on exit (by the state directory it created).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PATH="$(dirname "$PY"):$PATH"
export PATH
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fc-roles.XXXXXX")"
STATE="$WORK/hosts"
SIM_PID=""
source "$ROOT/hacking/testhosts-packages.sh"
SUBNET="${FC_TESTHOSTS_SUBNET:-10.77.0}"
FWD_PORT=7443

cleanup() {
    if [[ -n "${FC_ROLES_KEEP:-}" ]]; then echo "kept for inspection: $WORK (sim pid $SIM_PID)"; return; fi
    [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null
    "$PY" "$ROOT/hacking/testhosts.py" down --state "$STATE" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
    fail "the role scenario needs root (network namespaces, chroots, overlay mounts)"
fi

echo "--- test hosts"
# The test hosts have no package index: nova and its dependencies go to the nova node as a wheelhouse
# built here once per constraints file (the offline installation the nova_compute role supports).
CONSTRAINTS="$ROOT/roles/nova_compute/files/nova-constraints.txt"
WHEELS="${FC_TESTHOSTS_CACHE:-$HOME/.cache/fusioncompute-testhosts}/wheelhouse-$(sha256sum "$CONSTRAINTS" | cut -c1-12)"
if [[ ! -f "$WHEELS/.complete" ]]; then
    echo "--- wheelhouse for the nova node ($WHEELS)"
    rm -rf "$WHEELS"
    # async-timeout: redis needs it on Python < 3.11.3 (Debian bookworm has 3.11.2), whatever this controller runs
    "$PY" -m pip wheel --quiet -c "$CONSTRAINTS" -w "$WHEELS" nova==34.0.0 setuptools async-timeout \
        || fail "could not build the wheelhouse"
    touch "$WHEELS/.complete"
fi

"$PY" "$ROOT/hacking/testhosts.py" up --state "$STATE" vrm1 cna1 cna2 cna3 imgs1 imgs2:systemd nova1 nova2:systemd || fail "test hosts did not start"
HUB="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["hub"])' "$STATE/hosts.json")"
"$PY" "$ROOT/hacking/testhosts.py" inventory --state "$STATE" \
    --group vrm=vrm1 --group cna=cna1,cna2,cna3 --group imgs=imgs1,imgs2 --group nova=nova1,nova2 > "$WORK/inventory.json" \
    || fail "inventory"

echo "--- vrmsim"
mkdir -p "$WORK/sim"
(cd "$ROOT/simulator" && exec "$PY" -m vrmsim serve --state-dir "$WORK/sim" --listen 127.0.0.1:0 --seed empty \
    --time-mode instant --probe-netns "$HUB" --cert-name "$SUBNET.1" --ready-file "$WORK/ready.json") \
    >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do [[ -s "$WORK/ready.json" ]] && break; sleep 0.1; done
[[ -s "$WORK/ready.json" ]] || { cat "$WORK/sim.log"; fail "vrmsim did not start"; }
# nova-compute on the nova node talks to VRM itself: relay $SUBNET.1:$FWD_PORT (hub) to vrmsim
SIM_PORT="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$WORK/ready.json")"
"$PY" "$ROOT/hacking/testhosts.py" forward --state "$STATE" --port "$FWD_PORT" --to "127.0.0.1:$SIM_PORT" \
    >"$WORK/forward.log" 2>&1 &

"$PY" - "$WORK" "$STATE" "$SUBNET" "$FWD_PORT" "$WHEELS" "$ROOT" <<'PYEOF' || fail "could not prepare the scenario"
import json, sys, requests
work, state = sys.argv[1], sys.argv[2]
ready = json.load(open(work + "/ready.json"))
hosts = {h["name"]: h["address"] for h in json.load(open(state + "/hosts.json"))["hosts"]}
s = requests.Session(); s.verify = ready["ca_file"]; s.trust_env = False
# the simulated storage network: the image stores' exports are reachable by the CNA nodes
for store in ("imgs1", "imgs2"):
    r = s.post(ready["url"] + "/_sim/nas_exports", json={"ip": hosts[store], "path": "/srv/fusioncompute/images",
                                                        "capacity_gb": 500, "files": ["tiny.img"]})
    r.raise_for_status()
api = {"vrm_api_host": "127.0.0.1", "vrm_api_port": ready["port"], "vrm_api_username": ready["username"],
       "vrm_api_password": ready["password"], "vrm_api_ca_path": ready["ca_file"]}
for p in ("cna", "imgs", "nova_compute"):
    api.update({"%s_api_%s" % (p, k): v for k, v in (("host", "127.0.0.1"), ("port", ready["port"]),
               ("username", ready["username"]), ("password", ready["password"]), ("ca_path", ready["ca_file"]))})
host_vars = {"vrm1": {"vrm_node_management_address": hosts["vrm1"]},
             **{store: {"imgs_address": hosts[store], "imgs_datastore_name": datastore,
                        "imgs_datastore_hosts": [hosts[n] for n in ("cna1", "cna2", "cna3")],
                        "imgs_images": [{"name": "tiny.img", "src": sys.argv[6] + "/tests/roles/files/tiny.img",
                                         "checksum": "sha256:e10dd3414b91c578850c8f8812b488cfb3501c4b0998495c"
                                                     "0a03115bb16337f6",
                                         "template": {"name": template, "cluster": "cluster-a", "disk_gb": 10}}],
                        # the same bytes as an ISO of the library (placed under iso/, checksum verified)
                        "imgs_isos": [{"name": "tiny.iso", "src": sys.argv[6] + "/tests/roles/files/tiny.img",
                                       "checksum": "sha256:e10dd3414b91c578850c8f8812b488cfb3501c4b0998495c"
                                                   "0a03115bb16337f6"}]}
                # two image stores, each with its own datastore and a template of the same image file
                for store, datastore, template in (("imgs1", "imgs", "tpl-tiny"), ("imgs2", "imgs2", "tpl-tiny2"))}}
for n in ("cna1", "cna2", "cna3"):
    host_vars[n] = {"cna_management_address": hosts[n]}
host_vars["nova1"] = {"nova_compute_fc_ip": sys.argv[3] + ".1", "nova_compute_fc_port": int(sys.argv[4]),
                      "nova_compute_pip_find_links": sys.argv[5]}
# nova2 stands for the compute node of a second cloud on the same cluster (the scenario has one cluster with
# hosts); what it proves is the installation from the distribution's packages
host_vars["nova2"] = {"nova_compute_fc_ip": sys.argv[3] + ".1", "nova_compute_fc_port": int(sys.argv[4]),
                      "nova_compute_install_method": "package"}
json.dump({"api": api, "host_vars": host_vars, "addresses": hosts, "url": ready["url"],
           "ca": ready["ca_file"]}, open(work + "/scenario.json", "w"))
inv = json.load(open(work + "/inventory.json"))
for name, hv in host_vars.items():
    inv["all"]["hosts"][name].update(hv)
json.dump(inv, open(work + "/inventory.json", "w"))
json.dump(api, open(work + "/api.json", "w"))
PYEOF

mkdir -p "$WORK/collections/ansible_collections/fusioncompute"
ln -s "$ROOT" "$WORK/collections/ansible_collections/fusioncompute/core"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_SSH_ARGS="-o ControlMaster=no"   # a master outliving its proxy would hang later connections
export ANSIBLE_PIPELINING=True
export ANSIBLE_NOCOLOR=1
# a bound on every run, so that a hung connection fails the scenario instead of the whole CI job
PLAY=(timeout "${FC_ROLES_PLAY_TIMEOUT:-1500}" ansible-playbook -i "$WORK/inventory.json" -e "@$ROOT/tests/roles/site_vars.yml" -e "@$WORK/api.json"
      "$ROOT/playbooks/deploy_site.yml")

writes() {  # number of write requests vrmsim received since $1
    "$PY" - "$WORK" "$1" <<'PYEOF'
import json, sys, requests
sc = json.load(open(sys.argv[1] + "/scenario.json"))
s = requests.Session(); s.verify = sc["ca"]; s.trust_env = False
log = s.get(sc["url"] + "/_sim/requests", params={"since": sys.argv[2]}).json()["requests"]
print(len([r for r in log if r["method"] != "GET" and r["path"] != "/service/session"]))
PYEOF
}
last_seq() {
    "$PY" -c 'import json,sys,requests; sc=json.load(open(sys.argv[1]+"/scenario.json")); s=requests.Session(); s.verify=sc["ca"]; s.trust_env=False; print(s.get(sc["url"]+"/_sim/requests").json()["last_seq"])' "$WORK"
}
host_files() {  # checksums of the files the roles manage, on every host
    ansible all -i "$WORK/inventory.json" -m ansible.builtin.shell -a \
        'cat /etc/hosts /etc/timezone /etc/sysctl.d/90-fusioncompute-cna.conf /etc/ganesha/ganesha.conf /etc/nova/*.conf /var/lib/nova/*/compute_id 2>/dev/null | sha256sum; if test -d /opt/fusioncompute/nova; then echo nova-venv; fi' -o \
        2>/dev/null | sort
}

check_on() {  # check_on HOSTS SHELL-COMMAND FAILURE [DIAGNOSTICS]: the command must succeed on every host
    ansible "$1" -i "$WORK/inventory.json" -m ansible.builtin.shell -a "$2" > /dev/null && return
    if [[ -n "${4:-}" ]]; then ansible "$1" -i "$WORK/inventory.json" -m ansible.builtin.shell -a "$4" 2>&1 | tail -40; fi
    fail "$3"
}

echo "--- 1. check mode before the first deploy"
before_files="$(host_files)"
mark="$(last_seq)"
"${PLAY[@]}" --check > "$WORK/check.log" 2>&1 || { cat "$WORK/check.log"; fail "check-mode deploy failed"; }
[[ "$(writes "$mark")" == "0" ]] || fail "check mode sent write requests to vrmsim"
after_files="$(host_files)"
if [[ "$after_files" != "$before_files" ]]; then
    diff <(echo "$before_files") <(echo "$after_files")
    fail "check mode changed files on the hosts"
fi

echo "--- 2. deploy"
"${PLAY[@]}" > "$WORK/deploy.log" 2>&1 || { cat "$WORK/deploy.log"; fail "deploy failed"; }

echo "--- 3. deploy again: no change"
"${PLAY[@]}" > "$WORK/again.log" 2>&1 || { cat "$WORK/again.log"; fail "second deploy failed"; }
if grep -E 'changed=[1-9]' "$WORK/again.log"; then
    grep -B3 -E '^changed:' "$WORK/again.log" | head -40
    ansible imgs -i "$WORK/inventory.json" -m ansible.builtin.shell -a 'tail -20 /var/log/ganesha.log /var/log/ganesha/ganesha.log; ss -ltnp' 2>&1 | tail -40
    fail "the second deploy changed something"
fi

echo "--- 4. state of vrmsim and of the hosts"
"$PY" - "$WORK" <<'PYEOF' || fail "vrmsim does not hold the described site"
import json, sys, requests
sc = json.load(open(sys.argv[1] + "/scenario.json"))
s = requests.Session(); s.verify = sc["ca"]; s.trust_env = False
def objs(kind):
    return [o["object"] for o in s.get(sc["url"] + "/_sim/objects", params={"kind": kind}).json()["objects"]]
clusters = {c["name"]: c for c in objs("clusters")}
assert clusters["cluster-a"]["isEnableDrs"] and clusters["cluster-a"]["drsSetting"]["drsLevel"] == 3, clusters
hosts = {h["ip"]: h for h in objs("hosts")}
for n in ("cna1", "cna2", "cna3"):
    h = hosts[sc["addresses"][n]]
    assert h["clusterName"] == "cluster-a" and h["status"] == "normal", h
dvs = [d for d in objs("dvswitchs") if d["name"] == "dvs-a"][0]
assert len(dvs["hostPortSet"]) == 3 and {p["portName"] for p in dvs["hostPortSet"]} == {"eth2"}, dvs
pgs = {p["name"]: p for p in objs("portgroups")}
assert pgs["pg-web"]["vlanId"] == 100 and pgs["pg-web"]["txLimit"] == 500, pgs
assert pgs["pg-trunk"]["portType"] == 1 and pgs["pg-trunk"]["vlanRange"] == "200-210", pgs
for store, name, template in (("imgs1", "imgs", "tpl-tiny"), ("imgs2", "imgs2", "tpl-tiny2")):
    ds = [d for d in objs("datastores") if d["name"] == name]
    assert len(ds) == 1 and ds[0]["storageType"] == "NAS" and len(ds[0]["hosts"]) == 3, ds
    tpl = [v for v in objs("vms") if v["name"] == template]
    assert len(tpl) == 1 and tpl[0]["isTemplate"], tpl
    assert tpl[0]["vmConfig"]["disks"][0]["datastoreName"] == name, tpl
    imports = [t for t in objs("tasks") if t["type"] == "ImportTemplate" and t["entityUrn"] == tpl[0]["urn"]]
    assert len(imports) == 1 and imports[0]["status"] == "success", imports
san = [d for d in objs("datastores") if d["name"] == "ds-san-a"]
assert len(san) == 1 and san[0]["storageType"] == "LUNPOME" and len(san[0]["hosts"]) == 3, san
assert san[0]["capacityGB"] == 2048 and [u["suName"] for u in san[0]["storageUnits"]] == ["LUN-ipsan-01",
                                                                                          "LUN-ipsan-02"], san
assert [r["name"] for r in objs("storageresources") if r["storageType"] == "san"] == ["ipsan-a"]
print("vrmsim holds the site")
PYEOF
check_on cna 'grep -q "vm.swappiness = 10" /etc/sysctl.d/90-fusioncompute-cna.conf && grep -q " {{ inventory_hostname }}$" /etc/hosts && grep -q "server 10.77.0.1" /etc/chrony/conf.d/fusioncompute.conf' \
    "CNA files are not as rendered"
check_on vrm 'grep -q 7443 /etc/nftables.d/fusioncompute-vrm.nft && grep -q "nameserver 10.77.0.1" /etc/resolv.conf' \
    "VRM node files are not as rendered"
# the firewall tables are loaded, each in its node's own network namespace; loading a file again replaces its
# table instead of adding the rules twice
# shellcheck disable=SC2016 # the script is expanded by the test host's shell, not here
check_on vrm 't="inet fusioncompute_vrm"; nft list table $t | grep "tcp dport" | grep -q 7443 && nft -f /etc/nftables.d/fusioncompute-vrm.nft && test "$(nft list table $t | grep -c "tcp dport")" = 1' \
    "the VRM node's firewall table is not loaded once"
# shellcheck disable=SC2016 # the script is expanded by the test host's shell, not here
check_on cna 't="inet fusioncompute_cna"; nft list table $t | grep -q "tcp dport" && nft -f /etc/nftables.d/fusioncompute-cna.nft && test "$(nft list table $t | grep -c "tcp dport")" = 1' \
    "a CNA node's firewall table is not loaded once"
# (chroot hosts share the machine's process list, so "this host's NFS server" is what listens in its network)
check_on imgs 'ss -ltn | grep -q ":2049 " && ! grep -qs "Could not create export" /var/log/ganesha.log /var/log/ganesha/ganesha.log && grep -q /srv/fusioncompute/images /etc/ganesha/ganesha.conf && sha256sum /srv/fusioncompute/images/tiny.img' \
    "an image store does not serve the export"
check_on imgs1 'pgrep -F /run/ganesha.pid -x ganesha.nfsd' \
    "imgs1 does not run the ganesha the role started"
# imgs2 (systemd): ganesha is the enabled, active nfs-ganesha.service (its process in the unit's control group;
# systemd only guesses a MainPID for this forking unit), not a process the role started itself
# shellcheck disable=SC2016 # the script is expanded by the test host's shell, not here
check_on imgs2 'test "$(systemctl is-enabled nfs-ganesha) $(systemctl is-active nfs-ganesha)" = "enabled active" && p=$(pgrep -x ganesha.nfsd) && grep -q "/nfs-ganesha.service$" /proc/$p/cgroup && test ! -e /run/ganesha.pid' \
    "imgs2 does not run ganesha as its systemd service" \
    'systemctl status nfs-ganesha --no-pager; pgrep -a ganesha; ls -la /run/ganesha* ; tail -20 /var/log/ganesha/ganesha.log'

"$PY" - "$WORK" <<'PYEOF' || fail "nova-compute on the nova node is not as deployed"
import json, subprocess, sys, uuid
work = sys.argv[1]
sc = json.load(open(work + "/scenario.json"))
def on_nova(cmd, host="nova1"):
    out = subprocess.run(["ansible", host, "-i", work + "/inventory.json", "-m", "ansible.builtin.shell", "-a", cmd,
                          "-o"], capture_output=True, text=True)
    assert out.returncode == 0, (cmd, out.stdout, out.stderr)
    return out.stdout.split("(stdout)", 1)[1].strip().replace("\\n", "\n") if "(stdout)" in out.stdout else ""
def driver_check(bin_dir, host):
    """fusioncompute-nova-check from the rendered files: the driver loads and finds its node in VRM."""
    check = json.loads(on_nova("%s/fusioncompute-nova-check --config-file /etc/nova/nova.conf --config-file "
                               "/etc/nova/nova-compute-cluster-a.conf 2>/dev/null | tail -1" % bin_dir, host))
    assert check["ok"] and check["node"] == node and check["vcpus"] > 0, (host, check)
    return check
import requests
s = requests.Session(); s.verify = sc["ca"]; s.trust_env = False
site = s.get(sc["url"] + "/_sim/objects", params={"kind": "sites"}).json()["objects"][0]["object"]
node = site["urn"].split(":")[2] + "@cluster-a"
stat = on_nova("stat -c '%a %U %G' /etc/nova/nova.conf /etc/nova/nova-compute-cluster-a.conf")
assert stat.split("\n") == ["640 root nova", "640 root nova"], stat
conf = on_nova("cat /etc/nova/nova-compute-cluster-a.conf")
for line in ("compute_driver = fusioncompute_nova.driver.FusionComputeDriver", "clusters = cluster-a",
             "host = nova1-cluster-a", "fc_port = 7443", "ca_file = /etc/nova/fusioncompute-ca.pem",
             "state_path = /var/lib/nova/cluster-a", "insecure = false"):
    assert line in conf.split("\n"), (line, conf)
assert "transport_url = rabbit://" in on_nova("cat /etc/nova/nova.conf")
compute_id = on_nova("cat /var/lib/nova/cluster-a/compute_id")
assert compute_id == str(uuid.uuid5(uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E"), node)), (compute_id, node)
assert on_nova("start-stop-daemon --status --pidfile /run/nova-compute-fc-cluster-a.pid && echo running") == "running"
assert "/opt/fusioncompute/nova/bin/nova-compute" in on_nova("ps -o args= -p $(cat /run/nova-compute-fc-cluster-a.pid)")
assert on_nova("/opt/fusioncompute/nova/bin/python -c 'import nova.version as v; print(v.version_string())'").startswith("34.")
check = driver_check("/opt/fusioncompute/nova/bin", "nova1")
print("nova1 (virtualenv): service running, node", node, check["vcpus"], "vCPUs")

# nova2: Debian's nova, the driver next to it in the system Python, nova's entry point run by the system Python
assert on_nova("python3 -c 'import nova.version as v; print(v.version_string())'", "nova2").startswith("26.")
where = on_nova("python3 -m pip show -f nova-fusioncompute", "nova2")
assert "Location: /usr/lib/python3/dist-packages" in where and "nova/virt/fusioncompute_nova/driver.py" in where, where
assert on_nova("test -e /opt/fusioncompute/nova || echo none", "nova2") == "none"
assert on_nova("stat -c '%a %U %G' /etc/nova/nova-compute-cluster-a.conf", "nova2") == "640 root nova"
# systemd: the template unit enabled and active for the cluster, its main process nova's entry point
unit = "nova-compute-fc@cluster-a"
assert on_nova("systemctl is-enabled %s; systemctl is-active %s" % (unit, unit), "nova2") == "enabled\nactive"
assert on_nova("test -e /run/nova-compute-fc-cluster-a.pid || echo none", "nova2") == "none"
args = on_nova("ps -o user=,args= -p $(systemctl show -p MainPID --value %s)" % unit, "nova2")
assert args.split(None, 1) == ["nova", "/usr/bin/python3 -c import sys; from nova.cmd.compute import main; "
                               "sys.exit(main()) --config-file /etc/nova/nova.conf "
                               "--config-file /etc/nova/nova-compute-cluster-a.conf"], args
driver_check("/usr/bin", "nova2")
print("nova2 (Debian packages, systemd): service active, node", node)
PYEOF
for log in deploy again check; do
    if grep -qF "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$WORK/ready.json")" "$WORK/$log.log"; then
        fail "the VRM password appears in the output of the $log run"
    fi
done

echo "--- 5. wrong variables fail early and change nothing"
mark="$(last_seq)"
bad() {  # bad NAME EXTRA-VARS-JSON EXPECTED-TEXT
    if "${PLAY[@]}" -e "$2" > "$WORK/bad-$1.log" 2>&1; then fail "$1: the deploy did not fail"; fi
    grep -q "$3" "$WORK/bad-$1.log" || { tail -30 "$WORK/bad-$1.log"; fail "$1: not refused with '$3'"; }
}
bad vlan '{"vrm_dvs": [{"name": "dvs-a", "portgroups": [{"name": "pg-bad", "vlan_id": 5000}]}]}' "vlan_id must be 0-4094"
bad imgsnames '{"imgs_datastore_name": "same"}' "would register the same name"
bad dstype '{"vrm_datastores": [{"name": "x", "type": "iscsi", "hosts": []}]}' "value of type must be one of"
bad clients '{"imgs_export_clients": ["10.0.0.0/24; Access_Type = RW"]}' "is not an address"
bad cluster '{"cna_cluster": "no-such-cluster", "cna_planned_clusters": []}' "does not exist in VRM"
bad novacluster '{"nova_compute_instances": [{"cluster": "no-such-cluster"}]}' "Cluster no-such-cluster does not exist in VRM"
bad novatwice '{"nova_compute_instances": [{"cluster": "cluster-a"}, {"cluster": "cluster-a", "name": "x"}]}' "must list each FusionCompute cluster once"
[[ "$(writes "$mark")" == "0" ]] || fail "a refused deploy sent write requests to vrmsim"

echo "role scenario: all checks passed"

"""The dashboard, opened in headless Chromium."""

import shutil
import subprocess


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("Chromium is needed for the dashboard test: install the Debian package 'chromium' "
                         "(make test does it through hacking/deps.sh when run as root).")


def test_dashboard_json(sim):
    d = sim.sim("GET", "/dashboard.json")
    assert {h["name"] for h in d["hosts"]} >= {"cna-prod-01", "cna-dev-03"}
    assert {x["name"] for x in d["datastores"]} == {"datastore-prod", "datastore-dev", "nfs-images"}
    assert d["site"]["urn"] == "urn:sites:4D6B0918"


def test_dashboard_in_headless_chromium(proc_factory, tmp_path):
    p = proc_factory(extra=["--plain-http"])
    c = p.client
    assert c.login().status_code == 200
    # make something happen: a deployed VM and its task
    objs = c.http.get(c.url + "/_sim/objects?kind=vms&name=tpl-centos7").json()["objects"]
    cluster = c.http.get(c.url + "/_sim/objects?kind=clusters&name=cluster-prod").json()["objects"][0]
    ans = c.ok("POST", objs[0]["object"]["uri"] + "/action/clone", {"name": "dash-vm", "location": cluster["urn"]})
    c.wait(ans)
    html = c.http.get(c.url + "/").text
    assert "<title>vrmsim dashboard</title>" in html
    out = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                          "--user-data-dir=%s" % tmp_path, "--virtual-time-budget=5000", "--dump-dom", c.url + "/"],
                         capture_output=True, text=True, timeout=120)
    dom = out.stdout
    assert "cna-prod-01" in dom, out.stderr[-2000:]
    assert "dash-vm" in dom
    assert "DeployVM" in dom
    assert "datastore-prod" in dom

"""Real Linux test hosts for the roles, on this machine, without Docker.

Each host is a minimal Debian bookworm root file system (debootstrap, cached
and shared read-only through overlayfs) running sshd in its own network
namespace. All hosts hang off a bridge inside a "hub" namespace. Every private
address lives inside namespaces this script creates; the controller reaches
the hosts through an SSH ProxyCommand that opens the TCP connection from
inside the hub namespace (``testhosts.py proxy``).

    python hacking/testhosts.py up --state DIR NAME[:systemd] [NAME[:systemd] ...]
    python hacking/testhosts.py inventory --state DIR [--group G=NAME,NAME ...]
    python hacking/testhosts.py down --state DIR
    python hacking/testhosts.py proxy NAMESPACE HOST PORT   (used by ssh)
    python hacking/testhosts.py forward --state DIR --port P --to HOST:PORT

``forward`` lets the hosts reach a service of the controller (vrmsim on 127.0.0.1): it listens on
the hub's bridge address (SUBNET.1:P, inside the hub namespace) and relays each connection to
HOST:PORT in the controller's namespace; ``down`` stops it.

A host named ``NAME:systemd`` boots systemd instead: systemd runs as PID 1 of
its own PID, mount, UTS and IPC namespaces (inside the host's network
namespace), with ``/sys`` and ``/proc/sys`` read-only and the units that would
touch the machine (udev, sysctl, kernel modules, consoles, clock, firewall)
masked, and the NFS server's units left to the roles to start; its
ssh.service is what Ansible reaches. That is how the roles'
systemd code paths are tested without containers.

``up`` writes ``DIR/hosts.json`` (names, addresses, namespaces, pids) and an
SSH key; ``down`` stops and removes exactly what ``up`` recorded there.
Needs root, iproute2, debootstrap and overlayfs.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

CACHE = os.environ.get(
    "FC_TESTHOSTS_CACHE",
    os.path.join(os.path.expanduser("~"), ".cache", "fusioncompute-testhosts"))
MIRROR = os.environ.get("FC_TESTHOSTS_MIRROR", "http://deb.debian.org/debian")
PACKAGES = "openssh-server,python3,iproute2,procps"
# Extra packages baked into the cached root file system (the hosts have no route to a mirror), e.g. the
# userspace NFS server the imgs role needs: FC_TESTHOSTS_PACKAGES=nfs-ganesha,nfs-ganesha-vfs
EXTRA_PACKAGES = os.environ.get("FC_TESTHOSTS_PACKAGES", "")
SUBNET = os.environ.get("FC_TESTHOSTS_SUBNET", "10.77.0")


def run(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, **kwargs)


def base_rootfs():
    """Return the cached base root file system, building it on first use."""
    suffix = "-" + hashlib.sha256(EXTRA_PACKAGES.encode()).hexdigest()[:12] if EXTRA_PACKAGES else ""
    path = os.path.join(CACHE, "bookworm-minbase" + suffix)
    marker = os.path.join(path, ".complete")
    if os.path.exists(marker):
        return path
    if shutil.which("debootstrap") is None:
        run("apt-get", "install", "-y", "-qq", "debootstrap", stdout=subprocess.DEVNULL)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(CACHE, exist_ok=True)
    run("debootstrap", "--variant=minbase", "--include=" + PACKAGES, "bookworm", path, MIRROR,
        stdout=subprocess.DEVNULL)
    if EXTRA_PACKAGES:
        # apt inside the new system, not debootstrap --include: only apt resolves virtual packages
        # (python3-nova needs python3-ply-lex-3.10, which python3-ply provides)
        proc = os.path.join(path, "proc")
        run("mount", "-t", "proc", "proc", proc)
        try:
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            run("chroot", path, "apt-get", "update", "-qq", env=env, stdout=subprocess.DEVNULL)
            run("chroot", path, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                *EXTRA_PACKAGES.split(","), env=env, stdout=subprocess.DEVNULL)
            run("chroot", path, "apt-get", "clean", env=env)
        finally:
            run("umount", "-l", proc, check=False)
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(time.strftime("%Y-%m-%dT%H:%M:%SZ\n", time.gmtime()))
    return path


def run_id(state):
    """A short id for this state directory, used in every name we create."""
    ident_file = os.path.join(state, "run-id")
    if not os.path.exists(ident_file):
        with open(ident_file, "w", encoding="utf-8") as handle:
            handle.write("%04x" % (os.getpid() & 0xFFFF))
    with open(ident_file, encoding="utf-8") as handle:
        return handle.read().strip()


def save(state, record):
    with open(os.path.join(state, "hosts.json"), "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)


def load(state):
    path = os.path.join(state, "hosts.json")
    if not os.path.exists(path):
        return {"hosts": [], "hub": None, "mounts": [], "links": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def ssh_key(state):
    key = os.path.join(state, "id_ed25519")
    if not os.path.exists(key):
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fc-testhosts", "-f", key)
    return key


def up(state, names):
    state = os.path.abspath(state)
    os.makedirs(state, exist_ok=True)
    record = load(state)
    ident = run_id(state)
    lower = base_rootfs()
    key = ssh_key(state)
    with open(key + ".pub", encoding="utf-8") as handle:
        public_key = handle.read()

    if record["hub"] is None:
        hub = "fct%s-hub" % ident
        run("ip", "netns", "add", hub)
        record["hub"] = hub
        save(state, record)
        run("ip", "-n", hub, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", hub, "addr", "add", SUBNET + ".1/24", "dev", "br0")
        run("ip", "-n", hub, "link", "set", "br0", "up")
        run("ip", "-n", hub, "link", "set", "lo", "up")
    hub = record["hub"]

    existing = {host["name"] for host in record["hosts"]}
    for spec in names:
        name, _, kind = spec.partition(":")
        if kind not in ("", "systemd"):
            raise SystemExit("%s: the only host kind is systemd" % spec)
        if name in existing:
            continue
        index = len(record["hosts"]) + 10
        namespace = "fct%s-%s" % (ident, name)
        base = os.path.join(state, name)
        upper, work, root = (os.path.join(base, part) for part in ("upper", "work", "root"))
        for directory in (upper, work, root):
            os.makedirs(directory, exist_ok=True)
        host = {"name": name, "namespace": namespace, "address": "%s.%d" % (SUBNET, index),
                "root": root, "mounts": [], "pid": None, "systemd": kind == "systemd"}
        record["hosts"].append(host)
        save(state, record)

        run("mount", "-t", "overlay", "overlay", "-o",
            "lowerdir=%s,upperdir=%s,workdir=%s" % (lower, upper, work), root)
        host["mounts"].append(root)
        if not host["systemd"]:  # a systemd host mounts these inside its own mount namespace
            for source, target, options in (("proc", "proc", ["-t", "proc"]),
                                            ("/dev", "dev", ["--bind"]),
                                            ("/dev/pts", "dev/pts", ["--bind"])):
                path = os.path.join(root, target)
                run("mount", *options, source, path)
                host["mounts"].append(path)
        save(state, record)

        run("ip", "netns", "add", namespace)
        peer = "v%s%d" % (ident, index)
        run("ip", "link", "add", peer, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        run("ip", "link", "set", peer, "netns", hub)
        run("ip", "-n", hub, "link", "set", peer, "master", "br0", "up")
        run("ip", "-n", namespace, "addr", "add", host["address"] + "/24", "dev", "eth0")
        run("ip", "-n", namespace, "link", "set", "eth0", "up")
        run("ip", "-n", namespace, "link", "set", "lo", "up")
        run("ip", "-n", namespace, "route", "add", "default", "via", SUBNET + ".1")

        ssh_dir = os.path.join(root, "root", ".ssh")
        os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
        with open(os.path.join(ssh_dir, "authorized_keys"), "w", encoding="utf-8") as handle:
            handle.write(public_key)
        os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
        with open(os.path.join(root, "etc", "hostname"), "w", encoding="utf-8") as handle:
            handle.write(name + "\n")
        os.makedirs(os.path.join(root, "run", "sshd"), exist_ok=True)
        run("ip", "netns", "exec", namespace, "chroot", root, "ssh-keygen", "-A",
            stdout=subprocess.DEVNULL)
        if host["systemd"]:
            # its own UTS namespace gives it its own host name, which must resolve without DNS (the hosts
            # reach no name server), as Debian's installer writes it
            with open(os.path.join(root, "etc", "hosts"), "a", encoding="utf-8") as handle:
                handle.write("127.0.1.1\t%s\n" % name)
            host["pid"] = boot_systemd(namespace, root)
            save(state, record)
            continue
        pid_file = "/run/sshd-test.pid"
        run("ip", "netns", "exec", namespace, "chroot", root, "/usr/sbin/sshd",
            "-o", "PidFile=" + pid_file, "-o", "PermitRootLogin=prohibit-password",
            "-o", "UseDNS=no")
        # sshd creates its pid file before it writes the number: wait for the number
        deadline = time.monotonic() + 10
        while True:
            try:
                with open(root + pid_file, encoding="utf-8") as handle:
                    host["pid"] = int(handle.read().strip())
                break
            except (FileNotFoundError, ValueError):
                if time.monotonic() > deadline:
                    raise SystemExit("sshd did not start on %s" % name)
                time.sleep(0.1)
        save(state, record)
    wait_ssh(record)
    return record


# Units a systemd test host must not run: they would act on the machine, not on the test host (device
# events, kernel parameters and modules), want a console, or serve what the scenario does not need.
MASKED_UNITS = (
    "systemd-udevd.service", "systemd-udevd-control.socket", "systemd-udevd-kernel.socket",
    "systemd-udev-trigger.service", "systemd-udev-settle.service", "systemd-sysctl.service",
    "systemd-modules-load.service", "systemd-binfmt.service", "proc-sys-fs-binfmt_misc.automount",
    "systemd-remount-fs.service", "systemd-timesyncd.service", "getty@tty1.service", "console-getty.service",
    "getty.target", "run-rpc_pipefs.mount", "chrony.service", "nftables.service",
)
# Installed and enabled in the image, but not started at boot: the user-space NFS server (ganesha, rpcbind and
# statd run inside the host's namespaces and touch nothing of the machine) is for the imgs role to start.
NOT_AT_BOOT = ("nfs-ganesha.service", "rpcbind.service", "rpcbind.socket")


def boot_systemd(namespace, root):
    """Boot systemd in the host's root and network namespace; return its PID (PID 1 inside)."""
    unit_dir = os.path.join(root, "etc", "systemd", "system")
    os.makedirs(unit_dir, exist_ok=True)
    for unit in MASKED_UNITS:
        link = os.path.join(unit_dir, unit)
        if not os.path.lexists(link):
            os.symlink("/dev/null", link)
    for wants in os.listdir(unit_dir):
        if wants.endswith(".wants"):
            for unit in NOT_AT_BOOT:
                link = os.path.join(unit_dir, wants, unit)
                if os.path.lexists(link):
                    os.unlink(link)
    script = " && ".join((
        "mount --make-rprivate /",
        "mount -t proc proc {r}/proc",
        "mount --bind {r}/proc/sys {r}/proc/sys", "mount -o remount,bind,ro {r}/proc/sys",
        "mount --rbind /sys {r}/sys", "mount -o remount,bind,ro {r}/sys",
        "mount --rbind /dev {r}/dev",
        "mount -t tmpfs -o mode=755 tmpfs {r}/run",
        "exec chroot {r} /usr/bin/env -i container=fc-testhost /lib/systemd/systemd --system",
    )).format(r=root)
    proc = subprocess.Popen(["ip", "netns", "exec", namespace, "unshare", "--pid", "--fork", "--mount", "--uts",
                             "--ipc", "sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/task/%d/children" % (proc.pid, proc.pid), encoding="utf-8") as handle:
                children = handle.read().split()
        except FileNotFoundError:
            children = []
        for child in children:
            try:
                with open("/proc/%s/comm" % child, encoding="utf-8") as handle:
                    if handle.read().strip() == "systemd":
                        return int(child)
            except FileNotFoundError:
                pass
        if proc.poll() is not None:
            raise SystemExit("systemd did not boot in %s (exit %s)" % (root, proc.returncode))
        time.sleep(0.1)
    raise SystemExit("systemd did not boot in %s" % root)


def wait_ssh(record, timeout=30.0):
    deadline = time.monotonic() + timeout
    for host in record["hosts"]:
        while True:
            probe = subprocess.run(
                ["ip", "netns", "exec", record["hub"], sys.executable, "-c",
                 "import socket; socket.create_connection(('%s', 22), 2).close()" % host["address"]],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise SystemExit("sshd on %s did not answer" % host["name"])
            time.sleep(0.2)


def down(state):
    state = os.path.abspath(state)
    record = load(state)
    for pid in record.get("forwarders", []):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for host in reversed(record["hosts"]):
        if host.get("pid"):
            try:
                # a systemd host's PID 1: SIGKILL ends its whole PID namespace (SIGTERM would re-execute it)
                os.kill(host["pid"], signal.SIGKILL if host.get("systemd") else signal.SIGTERM)
            except ProcessLookupError:
                pass
        # Anything else started inside the host's namespace goes too.
        pids = subprocess.run(["ip", "netns", "pids", host["namespace"]], check=False,
                              capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        for path in reversed(host["mounts"]):
            run("umount", "-l", path, check=False)
        run("ip", "netns", "del", host["namespace"], check=False, stderr=subprocess.DEVNULL)
    if record["hub"]:
        run("ip", "netns", "del", record["hub"], check=False, stderr=subprocess.DEVNULL)
    for host in record["hosts"]:
        shutil.rmtree(os.path.join(state, host["name"]), ignore_errors=True)
    save(state, {"hosts": [], "hub": None, "mounts": [], "links": []})


def inventory(state, groups):
    state = os.path.abspath(state)
    record = load(state)
    key = os.path.join(state, "id_ed25519")
    proxy = "%s %s proxy %s %%h %%p" % (sys.executable, os.path.abspath(__file__), record["hub"])
    common = ("-o ProxyCommand=\"%s\" -o StrictHostKeyChecking=no "
              "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR" % proxy)
    hosts = {
        host["name"]: {
            "ansible_host": host["address"],
            "ansible_user": "root",
            "ansible_ssh_private_key_file": key,
            "ansible_ssh_common_args": common,
            "ansible_python_interpreter": "/usr/bin/python3",
        }
        for host in record["hosts"]
    }
    result = {"all": {"hosts": hosts, "children": {}}}
    for group in groups:
        name, _, members = group.partition("=")
        result["all"]["children"][name] = {
            "hosts": {member: {} for member in members.split(",") if member}}
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


def proxy(namespace, host, port):
    """Relay stdin/stdout to HOST:PORT, connecting from inside NAMESPACE."""
    if os.environ.get("FC_TESTHOSTS_IN_NS") != "1":
        env = dict(os.environ, FC_TESTHOSTS_IN_NS="1")
        os.execvpe("ip", ["ip", "netns", "exec", namespace, sys.executable,
                          os.path.abspath(__file__), "proxy", namespace, host, port], env)
    connection = socket.create_connection((host, int(port)), 10)

    def pump_out():
        while True:
            data = connection.recv(65536)
            if not data:
                break
            os.write(1, data)
        os.close(1)

    thread = threading.Thread(target=pump_out, daemon=True)
    thread.start()
    while True:
        data = os.read(0, 65536)
        if not data:
            connection.shutdown(socket.SHUT_WR)
            break
        connection.sendall(data)
    thread.join()


CLONE_NEWNET = 0x40000000


def _setns(path):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, "setns %s: %s" % (path, os.strerror(errno)))
    finally:
        os.close(fd)


def forward(state, port, target):
    """Relay connections to the hub address SUBNET.1:PORT to TARGET (HOST:PORT) in our namespace."""
    state = os.path.abspath(state)
    record = load(state)
    if not record["hub"]:
        raise SystemExit("no test hosts are up in %s" % state)
    host, _, target_port = target.rpartition(":")
    # The listening socket is made inside the hub namespace; every later socket (the connections to
    # TARGET) is made back in the namespace we started in. A socket keeps the namespace it was born in.
    _setns("/proc/self/ns/net")  # fails early without CAP_SYS_ADMIN
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    _setns("/var/run/netns/" + record["hub"])
    listener = socket.create_server((SUBNET + ".1", int(port)), reuse_port=False)
    import ctypes
    if ctypes.CDLL(None, use_errno=True).setns(own, CLONE_NEWNET) != 0:
        raise SystemExit("could not return to the controller's network namespace")
    os.close(own)
    record.setdefault("forwarders", []).append(os.getpid())
    save(state, record)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
                try:
                    sock.shutdown(how)
                except OSError:
                    pass

    def serve(client):
        try:
            upstream = socket.create_connection((host, int(target_port)), 10)
        except OSError:
            client.close()
            return
        threads = [threading.Thread(target=pump, args=pair, daemon=True)
                   for pair in ((client, upstream), (upstream, client))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
        upstream.close()

    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up")
    p_up.add_argument("--state", required=True)
    p_up.add_argument("names", nargs="+")
    p_down = sub.add_parser("down")
    p_down.add_argument("--state", required=True)
    p_inv = sub.add_parser("inventory")
    p_inv.add_argument("--state", required=True)
    p_inv.add_argument("--group", action="append", default=[])
    p_proxy = sub.add_parser("proxy")
    p_proxy.add_argument("namespace")
    p_proxy.add_argument("host")
    p_proxy.add_argument("port")
    p_fwd = sub.add_parser("forward")
    p_fwd.add_argument("--state", required=True)
    p_fwd.add_argument("--port", type=int, required=True)
    p_fwd.add_argument("--to", required=True, help="HOST:PORT in the controller's namespace")
    args = parser.parse_args(argv)
    if args.command == "forward":
        forward(args.state, args.port, args.to)
    elif args.command == "up":
        up(args.state, args.names)
    elif args.command == "down":
        down(args.state)
    elif args.command == "inventory":
        inventory(args.state, args.group)
    else:
        proxy(args.namespace, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())

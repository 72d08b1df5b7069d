# shellcheck shell=bash
# Packages baked into the cached root file system of the test hosts (hacking/testhosts.py), which have
# no route to a mirror. One list for every user, so that they share one cached image:
#   nfs-ganesha*           the imgs role's userspace NFS server
#   python3-apt/-venv/-packaging   Ansible's apt and pip modules, the nova_compute virtualenv
#   python3-nova, nova-common, python3-pip/-setuptools/-wheel   nova_compute_install_method package
#   python3-placement, python3-pytest, python3-cryptography     the driver's tests on Debian's nova
#   python3-oslotest, python3-wsgi-intercept   nova's functional test bed (nova.test) for the API flow test
#   systemd, dbus          hosts started as NAME:systemd (systemd as their PID 1)
#   nftables               the vrm and cna roles load their tables (each host has its own network namespace)
export FC_TESTHOSTS_PACKAGES="nfs-ganesha,nfs-ganesha-vfs,python3-apt,python3-venv,python3-packaging,python3-nova,nova-common,python3-pip,python3-setuptools,python3-wheel,python3-placement,python3-pytest,python3-cryptography,python3-oslotest,python3-wsgi-intercept,systemd,dbus,nftables"

"""The ``[fusioncompute]`` configuration group.

Option names of the archived Huawei driver (``fc_ip``, ``fc_user``, ``fc_pwd``, ``clusters``,
``cpu_ratio`` ...) are kept so that existing ``nova.conf`` files keep working; the options it lacked
(port, site, TLS verification, API version, timeouts) are new. ``list_opts`` is published through the
``oslo.config.opts`` entry point ``fusioncompute_nova`` so that ``oslo-config-validator`` and
``oslo-config-generator`` cover the group.
"""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    "fusioncompute",
    title="FusionCompute driver options",
    help="How nova-compute reaches the FusionCompute VRM and which cluster it manages.")

connection_opts = [
    cfg.HostAddressOpt("fc_ip", help="Address of the VRM (the floating address of an active/standby pair)."),
    cfg.PortOpt("fc_port", default=7443, help="HTTPS port of the VRM REST API."),
    cfg.StrOpt("fc_user", default="", help="VRM user name."),
    cfg.StrOpt("fc_pwd", default="", secret=True, help="Password of fc_user."),
    cfg.StrOpt("user_type", default="2",
               choices=[("0", "local user"), ("1", "domain user"), ("2", "interface (API) user")],
               help="VRM user type sent at login."),
    cfg.StrOpt("api_version", default="8.0", help="VRM API version sent in the Accept header."),
    cfg.StrOpt("ca_file", help="CA bundle that signed the VRM certificate (default: the system store)."),
    cfg.BoolOpt("insecure", default=False,
                help="Do not verify the VRM certificate. Only for tests; the default verifies it."),
    cfg.IntOpt("request_timeout", default=120, min=1, help="Seconds to wait for one HTTP answer from the VRM."),
]

scope_opts = [
    cfg.StrOpt("site", help="Site name, id or URN. Default: the only site of the VRM (an error when there are "
                            "several)."),
    cfg.ListOpt("clusters", default=[],
                help="The FusionCompute cluster this nova-compute service manages, by name. Exactly one: run "
                     "one nova-compute service per cluster (nova keeps one compute node per service); the node "
                     "is named <site id>@<cluster>."),
    cfg.StrOpt("datastore", help="Datastore name for new disks (default: the template disk's datastore)."),
    cfg.StrOpt("default_dvs", help="DVS for networks whose physical network matches no DVS name."),
    cfg.StrOpt("vxlan_dvs_name", help="DVS used for VXLAN networks."),
    cfg.StrOpt("enhanced_network_dvs_name", help="DVS excluded from physical network mapping (enhanced vNICs)."),
]

instance_opts = [
    cfg.StrOpt("vm_naming", default="display_name", choices=["display_name", "instance_name", "uuid"],
               help="What names the VM in FusionCompute. The VM's uuid is always the nova instance uuid and "
                    "its description the nova instance name."),
    cfg.StrOpt("instance_group", default="FSP",
               help="VRM group tag of the VMs nova creates; list_instances only reports VMs of this group."),
    cfg.DictOpt("image_templates", default={},
                help="Glance image name or id -> FusionCompute template name or URN. Without an entry the "
                     "template named like the image (or its id) is used, then default_template."),
    cfg.StrOpt("default_template", help="Template used when no template matches the image."),
    cfg.StrOpt("instance_initial_mode", default="FusionCompute", choices=["FusionCompute", "cloud_init"],
               help="FusionCompute: set the host name (and the admin password when use_admin_pass) through "
                    "FusionCompute guest customization; the host name is cut to VRM's 15 characters, other "
                    "characters than letters, digits, '-' and '_' become '-'. cloud_init: leave the guest alone."),
    cfg.BoolOpt("use_admin_pass", default=False, help="Pass nova's admin password to guest customization."),
    cfg.FloatOpt("cpu_ratio", default=1.0, min=0.1, help="Multiplier on the cluster's vCPUs before reporting."),
    cfg.IntOpt("resource_reduced_rate", default=100, min=0, max=100,
               help="Percent of stopped VMs' vCPU and memory counted as used."),
    cfg.StrOpt("fc_image_path", help="NFS image path (ip:/dir) of the image store (kept from the archived "
                                     "driver; informational)."),
    cfg.HostAddressOpt("glance_server_ip", help="Glance address reachable from the FusionCompute management "
                                                "network (kept from the archived driver; informational)."),
]

timeout_opts = [
    cfg.IntOpt("fc_request_timeout_min", default=300, min=1,
               help="Seconds to wait for short VRM tasks (power actions, volume attach and detach)."),
    cfg.IntOpt("fc_request_timeout_max", default=3600, min=1,
               help="Seconds to wait for long VRM tasks (clone, migration, snapshot)."),
    cfg.IntOpt("safe_stop_vm_timeout", default=600, min=0,
               help="Seconds a graceful stop may take before the VM is forced off."),
    cfg.IntOpt("fc_request_timeout_delete_vm", default=36000, min=1, help="Seconds to wait for a VM deletion."),
    cfg.IntOpt("attach_int_timeout", default=90, min=1, help="Seconds to wait for a NIC attach."),
]

ALL_OPTS = connection_opts + scope_opts + instance_opts + timeout_opts


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(ALL_OPTS, group=GROUP)


def list_opts():
    """The entry point ``oslo.config.opts: fusioncompute_nova``."""
    return [(GROUP, ALL_OPTS)]

# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VRM error codes turned into one exception with a hint a person can act on."""

from __future__ import annotations

# A short, actionable sentence per documented VRM error code (vrm-api.md 2.5, 5.3, 9.1; FC8DOC ch3-5, 7).
HINTS = {
    "10000001": "The request was malformed; check the option values against the module documentation.",
    "10000002": "The session expired or the token is invalid; log in again (or drop the token option).",
    "10000003": "The VRM user lacks the permission for this operation; use an account with the right role.",
    "10000005": "The VRM service is recovering; retry in a few minutes.",
    "10000006": "The VRM is busy; retry later.",
    "10000007": "Too many tasks are pending on the VRM; retry when they have finished.",
    "10000008": "The object does not exist (or the operation conflicts); refresh and check the name or URN.",
    "10000009": "The object's state conflicts with the operation; wait for running tasks and check the state.",
    "10000012": "A name parameter is invalid; names are 1 to 256 characters.",
    "10000013": "The limit parameter is invalid (1 to 100).",
    "10000015": "The cluster tag is invalid; tags are at most 64 characters.",
    "10000018": "The description is invalid; descriptions are at most 1024 characters.",
    "10000019": "needMemoryShot must be true or false.",
    "10000020": "The site does not exist; check the site option.",
    "10000040": "The VRM reports a licence error; check the FusionCompute licence.",
    "10100103": "Wrong user name or password; check username/password (or FC_USERNAME/FC_PASSWORD).",
    "10100113": "The account is locked after wrong passwords; wait or ask an administrator to unlock it.",
    "10100116": "The account is locked; wait the lock time or ask an administrator.",
    "10100132": "The authentication type is invalid.",
    # users and roles (FC8DOC ch6 6.2)
    "10100117": "The account is locked by an administrator; unlock it (fc_user locked: false).",
    "10100122": "The password has a character VRM does not take; use letters, digits, spaces and ASCII punctuation.",
    "10100123": "The password must contain digits and upper and lower case letters.",
    "10100126": "The password must not contain the user name, forwards or backwards.",
    "10100305": "A user of this name and type already exists.",
    "10100306": "A role the user is given does not exist; create it first (fc_role).",
    "10100322": "VRM refuses a password used recently; choose another.",
    "10100335": "The password's length is outside VRM's policy (8 to 32 characters by default).",
    "10100347": "Built-in roles cannot be deleted.",
    "10100348": "Built-in roles cannot be changed; make a role of your own (fc_role).",
    "10100501": "A role of this name already exists.",
    "10100503": "Users still have this role; take it from them first (fc_user roles).",
    "10100504": "A right is not in VRM's rights tree (GET /service/roles/getRights).",
    "10200104": "A host with this name already exists; choose another name.",
    "10200106": "The host IP address is required.",
    "10200107": "The host IP address is not valid; give an IPv4 or IPv6 address.",
    "10200108": "A host with this IP address is already managed by the VRM.",
    "10200113": "The BMC user name is invalid; at most 64 characters, without &, | or ;.",
    "10200124": "The host's state does not allow this now; wait until it is normal and retry.",
    "10200125": "The host's state does not allow this; it may be powered on already or be busy.",
    "10200150": "The power mode must be safe or force.",
    "10200155": "The host is already powered off.",
    "10200156": "The host is powered off; power it on instead of rebooting it.",
    "10200157": "The host still runs VMs; migrate or stop them first (or power it off with mode force).",
    "10200158": "The host has no BMC address; set bmc_ip before powering it on remotely.",
    "10200199": "Neither the host nor the site has an NTP server; set ntp_servers (or the site's NTP) first.",
    "10200304": "The host is already in maintenance mode.",
    "10200305": "The host is not in maintenance mode.",
    "10200308": "Put the host into maintenance mode before migrating all its VMs.",
    "10300001": "IDE disks cannot be plugged or unplugged while the VM runs; power it off or use the virtio or "
                "scsi bus.",
    "10300003": "The vCPU count is invalid; give 1 to 255 vCPUs.",
    "10300004": "The CPU shares (weight) value is invalid.",
    "10300005": "The CPU limit is invalid.",
    "10300006": "The memory size is invalid; give 128 MB to 4 TB.",
    "10300007": "The memory shares (weight) value is invalid.",
    "10300008": "The disk slot number is invalid for its bus (IDE 1-3, VIRTIO 1-25, SCSI 1-60).",
    "10300009": "Every new disk needs a size (quantityGB, 1 GB to 64 TB).",
    "10300010": "The VM has no free disk slot on this bus; remove a disk or use another bus.",
    "10300012": "The VM has the most NICs VRM allows; remove one before adding another.",
    "10300015": "The VM's current state does not allow this operation; check its status and wait for running tasks.",
    "10300016": "The system lacks resources for this change.",
    "10300021": "This operation is not possible on a template; turn it into a VM first (is_template=false).",
    "10300024": "The VM already runs on the destination host; choose another host.",
    "10300026": "VM Tools are not running in the guest; use a forced stop or reboot, or start the tools.",
    "10300027": "The host does not exist; check the host name, IP or URN.",
    "10300028": "The cluster does not exist; check the cluster name or URN.",
    "10300029": "The cluster still contains VMs; move or delete them first.",
    "10300030": "The cluster still contains hosts; move or remove them first.",
    "10300035": "The URL is not valid: NFS takes <server>:/<path>, CIFS //<server>/<share>/<path>, names of "
                "letters, digits, '-', '_', spaces and dots.",
    "10300037": "The disk is not attached to this VM.",
    "10300038": "The Tools ISO is already mounted in the VM; eject it (fc_vm_tools state=absent) first.",
    "10300039": "The Tools ISO is not mounted in the VM; there is nothing to eject.",
    "10300040": "The memory limit is invalid; VRM keeps it equal to the memory size (omit memory.limit).",
    "10300041": "The OS type must be Linux, Windows or Other.",
    "10300042": "The OS version is not one VRM knows for this OS type; see GET <site>/vms/osversions.",
    "10300043": "The CPU reservation is invalid; it cannot exceed the CPU limit.",
    "10300044": "The memory reservation is invalid; it cannot exceed the memory size.",
    "10300045": "The MAC address is already used by another NIC.",
    "10300065": "The host is already in this cluster.",
    "10300066": "The MAC address is invalid; write six hex pairs separated by colons.",
    "10300067": "The location is invalid; give a cluster or host URN.",
    "10300069": "The OS type is required (Linux, Windows or Other).",
    "10300070": "The disk slot is already used; choose another sequence number.",
    "10300074": "The volume is attached to another VM (or its state does not allow attaching); detach it first.",
    "10300076": "The disk is already attached.",
    "10300091": "A cluster with this name already exists.",
    "10300092": "The VM is already stopped or hibernated.",
    "10300093": "The VM is already hibernated.",
    "10300094": "The VM is already running.",
    "10300096": "The VM is already doing this operation; wait for it to finish.",
    "10300101": "The VM is busy with another task; wait for it to finish and retry.",
    "10300109": "The snapshot does not exist; list the VM's snapshots to find it.",
    "10300110": "The snapshot's state does not allow this operation.",
    "10300111": "The VM has reached its snapshot limit; delete old snapshots first.",
    "10300112": "A snapshot task is already running for this VM; wait for it.",
    "10300114": "A VM with snapshots cannot become a template; delete its snapshots first.",
    "10300116": "A hibernated VM can only have a memory snapshot; set memory=true or power the VM on or off first.",
    "10300119": "A memory snapshot needs a running VM; power it on or take a disk-only snapshot.",
    "10300121": "Another NIC of the VM has this name; choose another.",
    "10300123": "The DRS automation level is invalid (manual or automatic).",
    "10300124": "The DRS migration threshold is invalid.",
    "10300133": "The VM or template is being cloned; wait for the clone to finish.",
    "10300140": "A host failed to read or write the template file; check the share and the host's access to it.",
    "10300141": "Templates cannot have snapshots.",
    "10300142": "A linked clone cannot have snapshots.",
    "10300162": "The operation conflicts with an unfinished task; wait and retry.",
    # folders (FC8DOC ch3 3.9)
    "10300619": "A folder of this name already exists in the same parent.",
    "10300620": "The folder is not empty; move or remove its folders, VMs and clusters first.",
    "10300621": "The folder does not exist.",
    "10300627": "This kind of folder cannot be in that parent (cluster folders only in the site; VM folders in the "
                "site or a VM folder).",
    "10300185": "Another NIC of the VM uses this slot (sequence number); choose another.",
    "10300190": "Memory can only be hot-added in multiples of 128 MB.",
    "10300197": "The MAC address is already used by another NIC.",
    "10300200": "The cluster's resource strategy must be loadBalance or random.",
    "10300214": "The DRS measure (factor) is invalid.",
    "10300216": "A DRS time period is invalid (hours 0 to 23).",
    "10300286": "Two NICs of the VM use the same sequence number.",
    "10300311": "The VM's vCPUs are pinned to its host; unpin them (cpu_pinning mode none) to migrate it.",
    "10300318": "A snapshot task is already running for this VM; wait for it.",
    "10300323": "A disk only grows: the new size must be larger than its current size.",
    "10300328": "The new disk size is above the largest VRM allows (64 TB).",
    "10300331": "Disks can be changed only on a running or stopped VM; wait for its current operation or power it "
                "on or off.",
    "10300337": "The migration speed is invalid; give at least 20 MB/s.",
    "10300342": "The guest host name is invalid: at most 15 letters, digits, '-' and '_', not digits only.",
    "10300344": "The guest password is invalid: 8 to 26 characters of at least two kinds (lower, upper, digits, "
                "specials).",
    "10300349": "A guest IP address or netmask is invalid.",
    "10300350": "A NIC sequence number is invalid or repeated.",
    "10300351": "A guest gateway address is invalid.",
    "10300352": "A guest DNS address is invalid.",
    "10300378": "No host of the cluster can run the VM (capacity, DVS uplinks or datastore access); see the message.",
    "10300434": "The VM is already in the destination cluster; name a host of the cluster to move it within it.",
    "10300437": "The VM has no CD-ROM drive for the Tools ISO; give it one first.",
    "10300516": "CPU pinning needs the VM bound to its host; create it on a cna_host with bind_to_host.",
    "10300543": "The VM's vCPUs are pinned; unpin them (cpu_pinning mode none) to change its NUMA binding.",
    "10300552": "NUMA binding needs the VM bound to its host; create it on a cna_host with bind_to_host.",
    "10300554": "The VM's vCPUs cannot be split evenly over the NUMA nodes; give a node count that divides them.",
    "10300561": "The cores per socket must divide the vCPU count.",
    "10300625": "The HA admission control is invalid; the tolerated host failures must be 1 to the cluster's "
                "host count.",
    "10300641": "The VM must be stopped for this change; power it off first.",
    "10300810": "VRM has no Tools for the VM's operating system type.",
    "10300916": "KVM cannot remove vCPUs from a running VM; power it off or set allow_power_cycling.",
    "10300917": "KVM cannot remove memory from a running VM; power it off or set allow_power_cycling.",
    "10300918": "Cores per socket cannot change while the VM runs; power it off or set allow_power_cycling.",
    "10300924": "The template file is not on the share; check the URL and that the file was copied there.",
    "10300943": "The huge pages asked for exceed the host's memory; ask for fewer pages.",
    "10321037": "The host has the most swap partitions VRM allows; delete one first.",
    "10321038": "The host already has a swap partition with this name; choose another name.",
    "10300143": "VRM's hosts cannot reach the share; check the server address, the share's permissions and the network.",
    "10300144": "The file is not a template description; import an .ovf or .ova template file.",
    "10300146": "The image is larger than the disk given; give a larger disk size.",
    "10300341": "The customization specification does not exist; create it with fc_customization_spec.",
    "10300354": "Customization specification names are unique; choose another name.",
    "10300355": "The specification configures another number of NICs than the VM has; match its nics to the VM's.",
    "10300356": "The specification is for another OS family than the VM; use one of the VM's OS type.",
    "10321002": "A template file of that name is on the share; set export.overwrite=true to replace it.",
    "10321003": "The share has not enough free space for the template; free space or export elsewhere.",
    "10800108": "VRM's host cannot reach the ISO's server; check the address and the server's firewall.",
    "10800110": "The ISO file does not exist there; check cdrom.iso_path.",
    "10300033": "The VM's CD-ROM holds an ISO already; eject it first (cdrom.state=disconnected).",
    "10300034": "The VM's CD-ROM holds no ISO; there is nothing to eject.",
    "10321074": "The NIC's security group switch is off; give a security group to turn it on.",
    "10321075": "The VM is bound to NUMA nodes of its host; unbind it (numa host_nodes []) to migrate it.",
    "10321084": "A VM of the security group is migrating or recovering; retry when it has finished.",
    "10321107": "A swap partition may not be named dm-<number> (a host device name); choose another name.",
    "10410003": "The datastore has not enough free space; choose a smaller size or another datastore.",
    "10410006": "The datastore does not exist; check the datastore name or URN.",
    "10410013": "The storage resource does not exist; list them with fusioncompute.core.fc_storage_resource_info.",
    "10410014": "Datastores still use the storage resource; delete them first.",
    "10410017": "The datastore still holds volumes; delete or move them first.",
    "10410021": "A storage resource with this name already exists.",
    "10410024": "The host is not associated with the datastore; associate them (fc_datastore hosts) first.",
    "10410025": "A datastore with this name already exists; choose another name.",
    "10410037": "A storage IP (target portal) is not a valid IPv4 address.",
    "10410066": "A storage IP (target portal) is listed twice.",
    "10410073": "A scan or change of the host's storage adapters is still running; retry when it has finished.",
    "10410114": "Another host already uses this initiator name (wwn); initiator names are unique.",
    "10410132": "No unused LUN is seen by every host of the datastore; map a LUN to them and rescan.",
    "10410135": "The datastore is not NORMAL; wait for its task or repair it before expanding it.",
    "10410136": "The datastore was already expanded 64 times, VRM's limit.",
    "10410138": "The LUN already belongs to a datastore (a LUN belongs to one datastore); choose an unused LUN.",
    "10410139": "No host of the datastore sees the LUN; connect its hosts to the LUN's storage resource first.",
    "10410144": "Only a SAN LUN can expand a datastore (not an NFS export, a local disk or a FusionStorage pool).",
    "10410177": "The host is not connected to that storage resource.",
    "10410193": "The datastore would exceed VRM's capacity limit; create another datastore instead.",
    "10410223": "The host is connected to a SAN storage resource; disconnect it before changing its initiator.",
    "10410227": "That iSCSI session is the host's last path to a datastore in use; keep it or remove the datastore.",
    "10410239": "Some hosts of the datastore do not see the LUN; connect them to its storage resource and rescan.",
    "10410256": "Datastores are on the storage resource: its storage IPs cannot change; move and delete them first.",
    "10410052": "The datastore is not in a normal state; check it in FusionCompute.",
    "10410055": "The datastore is not associated with that host.",
    "10410059": "A NAS storage unit can only hold a virtualised datastore.",
    "10410081": "The host does not see the storage unit; connect the host to the storage resource first.",
    "10410243": "VMs on the host use the datastore; migrate or stop them first.",
    "10420004": "The volume does not exist.",
    "10420006": "The disk size is invalid or missing; give 1 GB to 64 TB.",
    "10420009": "The volume is attached to a VM; detach it first.",
    "10420012": "VRM could not create the volume; check the datastore's state and free space.",
    "10420037": "The datastore has not enough free space; choose another datastore or free space.",
    "10420038": "A volume only grows: the new size must be larger than its current size.",
    "10420049": "VRM could not expand the volume; check the datastore's free space and the new size.",
    "10420050": "Disk sizes are whole GB: the new size in MB must be a multiple of 1024.",
    "10420058": "The disk migration failed; check the destination datastore's state, space and host access.",
    "10420080": "The new disk size is above the largest VRM allows (64 TB).",
    "10420163": "An I/O limit is out of range: 0 or 8-976562500000 KB/s, 0 or 16-4294967295 requests/s.",
    "10420164": "A total bandwidth limit cannot be set with a read or write limit; give one or the other.",
    "10420165": "A total request limit cannot be set with a read or write limit; give one or the other.",
    "10420166": "The disk is already on the destination datastore.",
    "10500004": "The IP address is invalid; give an IPv4 address.",
    "10500006": "A rule's subnet mask is invalid; VRM takes prefixes /1 to /31.",
    "10500007": "The gateway is invalid; give an IPv4 address.",
    "10500038": "A rule's subnet address does not match its mask; write the network address.",
    "10500053": "A security group rule is invalid (protocol TCP, UDP, ICMP or Any; ports 0-65535, from <= to).",
    "10504009": "VLAN IDs must be between 0 and 4094.",
    "10504014": "A trunk port group needs a VLAN range.",
    "10504016": "A trunk port group cannot have IP-MAC binding; use an access port group.",
    "10504021": "The peak bandwidth must be at least the average bandwidth.",
    "10504022": "The burst size is invalid.",
    "10504023": "A priority needs an outbound average bandwidth.",
    "10504025": "SR-IOV switches support neither DHCP isolation, broadcast suppression nor VLAN passthrough.",
    "10504026": "Broadcast suppression must be between 1 and 5000 packets per second.",
    "10504027": "Set the average bandwidth before the peak or burst.",
    "10504031": "A port group with this name already exists on the DVS.",
    "10504042": "This port group does not allow IP-MAC binding (SR-IOV or user-mode switch).",
    "10506001": "The host has the most service interfaces VRM allows; remove one first.",
    "10506002": "This plane cannot carry migration, HA or DR traffic; use a service interface for it.",
    "10506005": "The route's prefix is invalid; give 1 to 31.",
    "10506008": "The address is used by another system interface of the site; choose a free address.",
    "10506009": "A service interface has no gateway; remove it (only the management interface has one).",
    "10506010": "A service interface has no routes; remove them.",
    "10506013": "Another interface of the host carries migration traffic already; take it off there first.",
    "10506040": "The management interface's VLAN is not changed this way; leave vlan out for it.",
    "10506044": "Two planes of one host share a subnet; give each plane its own subnet.",
    "10512003": "The NIC does not exist on the VM; refresh the VM and check its NICs.",
    "10512004": "The NIC has an IP-MAC binding; remove it (ip_mac_binding: '') before changing its port group or "
                "MAC, or binding another address.",
    "10520001": "The security group ID is invalid.",
    "10520004": "The site has the most security groups VRM allows; delete one first.",
    "10520010": "The security group does not exist; check its name.",
    "10520013": "The security group already has this rule.",
    "10520014": "The security group rule does not exist; refresh and retry.",
    "10520015": "The security group has the most rules VRM allows; delete rules first.",
    "10520022": "Some hosts did not receive the security group rules; check those hosts and apply the rules again.",
    "10520024": "NICs on SR-IOV or user-mode switches take no security group.",
    "10520026": "A security group description is at most 1024 characters.",
    "10520029": "The security group still holds rules; delete them first.",
    "10520031": "A security group with this name already exists; choose another name.",
    "10520032": "VM NICs use the security group; take it off those NICs first.",
    "10520033": "A VM snapshot uses the security group; delete that snapshot first.",
    "10540004": "Give at least one VLAN pool.",
    "10540010": "The DVS does not exist; check the DVS name or URN.",
    "10540011": "Each uplink needs its port (portUrn).",
    "10540012": "The site has the most DVSs VRM allows; remove one first.",
    "10540013": "The NIC does not exist on the host; check its name (fc_host_network_info lists the NICs).",
    "10540014": "The NIC is already used (bonded, a DVS uplink or carrying an interface); free it first.",
    "10540016": "The bond does not exist on the host; check its name.",
    "10540017": "The bond is used by a DVS or a system interface; remove those first.",
    "10540019": "The host runs VMs on this DVS; migrate or stop them before removing its uplinks.",
    "10540022": "The DVS still has port groups; delete them first (fusioncompute.core.fc_portgroup "
                "state=absent).",
    "10540023": "The uplink does not belong to this DVS.",
    "10540041": "A DVS with this name already exists; choose another name.",
    "10540048": "The MTU must be 1500 or 9000.",
    "10540104": "An access port group needs a VLAN ID (0 for untagged).",
    "10540105": "The VLAN is outside the DVS's VLAN pools; add a pool to the DVS or pick another VLAN.",
    "10540107": "The port group does not exist; check the port group name or URN.",
    "10540108": "The port group does not belong to this DVS; check the DVS and port group names.",
    "10540109": "VM NICs use the port group; move or remove those NICs first.",
    "10540400": "The bond mode is invalid for these NICs; use one of the module's modes.",
    "10540404": "A bond has 1 to 8 NICs.",
    "10540406": "A NIC is listed twice; list each NIC of the bond once.",
    "10540410": "A bond with this name already exists on the host; choose another name.",
    "10540411": "NICs of different speeds cannot be bonded; bond NICs of one speed.",
    "10540413": "The NIC is not a member of this bond.",
    "10540419": "VRM removes one NIC from a bond at a time.",
    "10540420": "A bond keeps at least one NIC; delete the bond instead.",
    "10540431": "A storage interface has no gateway; use a route instead.",
    "10540433": "A system interface with this name already exists on the host; choose another name.",
    "10540435": "The NIC or bond already carries an untagged (VLAN 0) interface; give this one a VLAN.",
    "10540500": "The system interface does not exist on the host; refresh and check its name.",
    "10540506": "The management interface cannot be deleted.",
    "10540509": "Another interface of the host uses this VLAN; give each plane its own VLAN.",
    "10540511": "The priority must be between 2 and 7.",
    "10540520": "A bandwidth limit is invalid.",
    "10540521": "The name is invalid; names are 1 to 256 characters.",
    "10540522": "The description is invalid; descriptions are at most 1024 characters.",
    "10540523": "Give the NIC or bond the interface goes on (port).",
    "10540524": "The host has 16 storage interfaces, the most VRM allows.",
    "10800100": "A host failed to attach the volume; check the host's access to the volume's datastore.",
    "10800101": "A host failed to prepare the VM's network; check the DVS uplinks of the host.",
    "10800102": "The host reported a failure; check the host's state and VRM's task details, then retry.",
    "10800103": "The VM failed to start on the host; check the host's state and capacity, then retry.",
    "10800104": "The VRM could not reach the host; check its address, network and that it is powered on.",
    "10800109": "The host may not read the share; check its permissions and the user name and password.",
    "10800120": "The host did not answer in time; check the host and retry.",
    "10800125": "No host has enough free vCPU capacity; choose another cluster or host, or free capacity.",
    "10800126": "No host has enough free memory; choose another cluster or host, or free memory.",
    "10800127": "No host is connected to the DVS of the VM's port groups; add uplinks for those hosts.",
    "10800128": "No host is associated with the VM's datastores; associate the datastore with the hosts.",
    "10300226": "A DRS rule of the cluster keeps the VM off that host; pick another host or change the rule "
                "(fc_drs_rule_info lists the rules, fc_drs_rule changes them).",
    "10321049": "The cluster's DRS rules leave no host that can run the VM (a keep-together partner runs elsewhere, a "
                "keep-apart partner fills every host, or a must rule's host group is full or down); check fc_drs_rule_info.",
    "10300219": "A DRS rule uses the group; remove the rule (fc_drs_rule state=absent) before the group.",
    "10300128": "The cluster has a DRS rule of that name already; rule names are unique per cluster.",
    "10800131": "No host is available (all are faulty, powered off or in maintenance mode).",
    "11400000": "A parameter is invalid; huge page sizes are 4K, 2M or 1G with a page count of 0 or more.",
    "12000037": "The host is running another configuration; retry when it has finished.",
    "12000038": "The host already has this huge page setting.",
    "12000039": "The host has VMs; huge pages are set on a host without VMs (migrate them away first).",
}


# Codes the VRM answers (HTTP 400) when the object of a URI does not exist.
# The token expired or is unknown: the one error a client answers by logging in again.
SESSION_EXPIRED = "10000002"

NOT_FOUND_CODES = ("10000008", "10300027", "10300028", "10410006", "10420004", "10540107", "10540010",
                   "10300109", "10512003", "10000020", "10300001")


def is_not_found(exc):
    return isinstance(exc, FcApiError) and exc.code in NOT_FOUND_CODES


def hint_for(code):
    if code is None:
        return ""
    return HINTS.get(str(code), "")


class FcError(Exception):
    """A problem found by the collection itself (bad input, timeout, ambiguity)."""


class FcApiError(FcError):
    """An error answered by the VRM, or a failed VRM task."""

    def __init__(self, message, code=None, description=None, status=None, task_urn=None, method=None, path=None):
        self.code = str(code) if code is not None else None
        self.description = description
        self.status = status
        self.task_urn = task_urn
        self.method = method
        self.path = path
        self.hint = hint_for(self.code)
        super(FcApiError, self).__init__(message)

    def __str__(self):
        parts = [self.args[0] if self.args else "VRM error"]
        if self.code:
            parts.append("(VRM error %s%s)" % (self.code, ": " + self.description if self.description else ""))
        if self.task_urn:
            parts.append("[task %s]" % self.task_urn)
        if self.hint:
            parts.append("Hint: " + self.hint)
        return " ".join(parts)

    def to_result(self):
        return {"error_code": self.code, "error_description": self.description, "http_status": self.status,
                "task_urn": self.task_urn, "hint": self.hint}


class FcTimeout(FcError):
    def __init__(self, message, task_urn=None, progress=None):
        self.task_urn = task_urn
        self.progress = progress
        super(FcTimeout, self).__init__(message)

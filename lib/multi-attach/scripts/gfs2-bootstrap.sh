#!/bin/bash
# Forms a corosync/pacemaker cluster of the nodes of one MultiAttachCluster on Ubuntu 24.04 and
# mounts a GFS2 file system of every shared volume on every node. Every node runs the same script.
# Data safety, in order:
# - Members are the instances the stack holds as Node1..NodeN (DescribeStackResources), each
#   attached to every shared volume (DescribeVolumes): tags play no part.
# - Any other instance attached to a shared volume, in any state but terminated, blocks the
#   bootstrap; once it is stopped its attachment is force-detached, so it can never write again.
# - A device is formatted only when blank, and never when this cluster had a file system on that
#   volume name before (SSM marker), unless FORMAT_VOLUMES names the new volume id.
# - A node that already formed a cluster never rewrites it: a changed member list stops the run.
# Safe to run again: `sudo /opt/multi-attach/bootstrap.sh`.
# Rendered at synth: each placeholder in the quoted assignments below is replaced by a validated value.
set -euo pipefail

CLUSTER_NAME='@@CLUSTER_NAME@@'
CLUSTER_ID='@@CLUSTER_ID@@'
REGION='@@REGION@@'
STACK_ID='@@STACK_ID@@'
CONFIG_PARAMETER='@@CONFIG_PARAMETER@@'
MAC_KEY_ARN='@@MAC_KEY_ARN@@'
MOUNT_ROOT='@@MOUNT_ROOT@@'

LOG=${LOG:-/var/log/multi-attach-bootstrap.log}
COROSYNC_DIR=${COROSYNC_DIR:-/etc/corosync}
STATE_DIR=${STATE_DIR:-/var/lib/multi-attach}
MARKERS="/multi-attach/${CLUSTER_ID}"
TIMEOUT=${TIMEOUT:-900}
FORMAT_VOLUMES=${FORMAT_VOLUMES:-}
exec > >(tee -a "$LOG") 2>&1
log() { echo "$(date -u +%FT%TZ) multi-attach: $*"; }
fail() { log "ERROR: $*"; exit 1; }

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_for() {
  local timeout=$1 waited=0
  shift
  until "$@"; do
    waited=$((waited + 10))
    [ "$waited" -le "$timeout" ] || return 1
    sleep "${POLL:-10}"
  done
}

imds() {
  local token
  token=$(curl -sSf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sSf -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

# The stack's wait condition (CreationPolicy, first deploy): one signal per node once its file
# systems are mounted, FAILURE on any error, so a failed bootstrap fails the deploy.
signal() {
  if [ -z "${SIGNAL_RESOURCE:-}" ] || [ -e "${STATE_DIR}/signalled" ]; then return 0; fi
  log "signalling $1 to ${SIGNAL_RESOURCE}: $2"
  # The wait condition accepts signals once CloudFormation has started creating it, which can be
  # after this node is ready: retry for a few minutes.
  local try
  for try in $(seq 1 18); do
    aws_ signal "$STACK_ID" "$SIGNAL_RESOURCE" "${SELF:-unknown}" "$1" && break
    log "signal not accepted yet (try ${try})"; sleep "${POLL:-10}"
  done
  mkdir -p "$STATE_DIR" && touch "${STATE_DIR}/signalled"
}

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  local flavour
  flavour=$(uname -r | sed 's/^.*-//')
  apt-get update -q
  # gfs2 and dlm live in linux-modules-extra, which the AWS images lack. The flavour's meta-package
  # follows every kernel unattended-upgrades installs, so a fence reboot into a new kernel keeps them.
  if ! apt-get install -y -q "linux-modules-extra-${flavour}" "linux-modules-extra-$(uname -r)"; then
    # No meta-package for this flavour: modules for the running kernel only, and the kernel pinned.
    log "WARNING: no linux-modules-extra-${flavour}; holding the kernel at $(uname -r)"
    apt-get install -y -q "linux-modules-extra-$(uname -r)"
    apt-mark hold "linux-${flavour}" "linux-image-${flavour}" "linux-headers-${flavour}" || true
  fi
  apt-get install -y -q corosync pacemaker pcs dlm-controld gfs2-utils fence-agents-aws resource-agents-extra python3-boto3
  # pcsd is not used (no hacluster password exists): every pcs command below runs locally.
  systemctl disable --now pcsd.service pcsd-ruby.service dlm.service 2>/dev/null || true
}

load_modules() {
  if ! { modprobe gfs2 && modprobe dlm; }; then
    fail "kernel modules gfs2/dlm missing for kernel $(uname -r): install linux-modules-extra-$(uname -r)"
  fi
}

# AWS calls, one line of text per result; tests replace ma-aws with a stub on PATH.
install_helper() {
  mkdir -p /opt/multi-attach
  cat > /opt/multi-attach/ma-aws <<'PY'
#!/usr/bin/python3
import sys, boto3
from botocore.exceptions import ClientError
op, region, args = sys.argv[1], sys.argv[2], sys.argv[3:]
ec2, ssm = boto3.client('ec2', region_name=region), boto3.client('ssm', region_name=region)
if op == 'stack-instances':
    cfn = boto3.client('cloudformation', region_name=region)
    found = {r['LogicalResourceId']: r.get('PhysicalResourceId') or '-' for r in cfn.describe_stack_resources(StackName=args[0])['StackResources']}
    for logical in args[1:]: print(logical, found.get(logical, '-'))
elif op == 'attachments':
    for v in ec2.describe_volumes(VolumeIds=args)['Volumes']:
        for a in v['Attachments']: print(v['VolumeId'], a['InstanceId'], a['State'])
elif op == 'instances':
    for r in ec2.describe_instances(InstanceIds=args)['Reservations']:
        for i in r['Instances']: print(i['InstanceId'], i['State']['Name'], i.get('PrivateIpAddress', '-'))
elif op == 'force-detach':
    ec2.detach_volume(VolumeId=args[0], InstanceId=args[1], Force=True)
elif op == 'get':
    try: print(ssm.get_parameter(Name=args[0])['Parameter']['Value'])
    except ClientError as e:
        if e.response['Error']['Code'] != 'ParameterNotFound': raise
elif op == 'put':
    ssm.put_parameter(Name=args[0], Value=args[1], Type='String', Overwrite=True)
elif op == 'signal':
    boto3.client('cloudformation', region_name=region).signal_resource(
        StackName=args[0], LogicalResourceId=args[1], UniqueId=args[2], Status=args[3])
elif op == 'authkey':
    kms = boto3.client('kms', region_name=region)
    sys.stdout.buffer.write(b''.join(kms.generate_mac(KeyId=args[0], MacAlgorithm='HMAC_SHA_256',
        Message=('corosync-authkey/%s/%d' % (args[1], i)).encode())['Mac'] for i in range(8)))
PY
  chmod 0700 /opt/multi-attach/ma-aws
}
aws_() { ma-aws "$1" "$REGION" "${@:2}"; }

# The stack's configuration parameter: line 1 the node logical ids, line 2 name=volume-id pairs,
# line 3 the journal count, line 4 the wait condition. Changing it restarts no node (it is not in
# the user data, whose change makes CloudFormation stop and start every node at once).
read_config() {
  local config
  config=$(aws_ get "$CONFIG_PARAMETER")
  NODE_LOGICAL_IDS=$(sed -n 1p <<< "$config")
  VOLUMES=$(sed -n 2p <<< "$config")
  JOURNALS=$(sed -n 3p <<< "$config")
  SIGNAL_RESOURCE=$(sed -n 4p <<< "$config")
  NODE_COUNT=$(wc -w <<< "$NODE_LOGICAL_IDS")
  [ "$NODE_COUNT" -ge 2 ] && [ -n "$VOLUMES" ] || fail "configuration ${CONFIG_PARAMETER} unreadable: '${config}'"
}
volume_ids() { local s; for s in $VOLUMES; do echo "${s#*=}"; done; }
# The stable path of a volume: the same on every Nitro instance, whatever the attachment's device name.
device_of() { echo "${DEV_DIR:-/dev/disk/by-id}/nvme-Amazon_Elastic_Block_Store_vol${1#vol-}"; }

# Sets MEMBERS ("<instance id> <private ip>" sorted by id) once every node the stack holds runs,
# is attached to every volume, and no other instance is attached to one. Returns 1 to wait.
members_ready() {
  local id vol inst state stack_ids attached foreign=0 missing=0
  local -a logical vols ids
  read -ra logical <<< "$NODE_LOGICAL_IDS"
  NOT_A_NODE=
  stack_ids=$(aws_ stack-instances "$STACK_ID" "${logical[@]}" | awk '{print $2}')
  if grep -qx -- - <<< "$stack_ids"; then log "waiting: the stack has not created every node yet"; return 1; fi
  if ! grep -qx -- "$SELF" <<< "$stack_ids"; then
    # During a replacement the stack may not list this new node yet: wait, never join meanwhile.
    NOT_A_NODE="this instance ${SELF} is not one of the stack's nodes ($(tr '\n' ' ' <<< "$stack_ids")): it belongs to a replaced generation and must not join; terminate it"
    log "waiting: ${NOT_A_NODE}"; return 1
  fi
  mapfile -t vols < <(volume_ids)
  mapfile -t ids <<< "$stack_ids"
  attached=$(aws_ attachments "${vols[@]}")
  for vol in "${vols[@]}"; do
    for id in "${ids[@]}"; do
      grep -q "^${vol} ${id} attached$" <<< "$attached" || { log "waiting: ${vol} is not attached to ${id} yet"; missing=1; }
    done
  done
  while read -r vol inst state; do
    if [ -z "$vol" ] || grep -qx -- "$inst" <<< "$stack_ids"; then continue; fi
    state=$(aws_ instances "$inst" < /dev/null | awk '{print $2}')
    case "$state" in
      terminated|'') ;;
      stopped)
        log "force-detaching ${vol} from stopped instance ${inst} of a replaced generation: it can never write again"
        aws_ force-detach "$vol" "$inst" < /dev/null; foreign=1 ;;
      *) log "waiting: instance ${inst} (${state}) of a replaced generation is attached to ${vol}; stop or terminate it (see the README)"; foreign=1 ;;
    esac
  done <<< "$attached"
  [ "$foreign" -eq 0 ] && [ "$missing" -eq 0 ] || return 1
  MEMBERS=$(aws_ instances "${ids[@]}" | awk '$2 != "terminated" {print $1, $3}' | sort)
  [ "$(grep -c . <<< "$MEMBERS")" -eq "$NODE_COUNT" ] && ! grep -q ' -$' <<< "$MEMBERS"
}

# The corosync authkey is derived, never stored: HMAC-SHA-256 of the cluster id under a KMS HMAC
# key whose policy lets only the node role GenerateMac, expanded to 256 bytes (mode 0400).
write_authkey() {
  local key="${COROSYNC_DIR}/authkey" mask
  mask=$(umask)
  umask 077
  aws_ authkey "$MAC_KEY_ARN" "$CLUSTER_ID" > "$key"
  chmod 0400 "$key"
  umask "$mask"
}

write_corosync_conf() {
  local nodeid=0 id ip two_node=0
  [ "$NODE_COUNT" -eq 2 ] && two_node=1
  {
    echo "# multi-attach: ${CLUSTER_ID}"
    printf 'totem {\n    version: 2\n    cluster_name: %s\n    transport: knet\n' "$CLUSTER_NAME"
    printf '    crypto_cipher: aes256\n    crypto_hash: sha256\n    keyfile: %s/authkey\n}\nnodelist {\n' "$COROSYNC_DIR"
    while read -r id ip; do
      nodeid=$((nodeid + 1))
      printf '    node {\n        ring0_addr: %s\n        name: %s\n        nodeid: %s\n    }\n' "$ip" "$id" "$nodeid"
    done <<< "$MEMBERS"
    # Two nodes: quorum with one node left (two_node implies wait_for_all at start-up); fencing
    # with a random delay decides which node survives a split.
    printf '}\nquorum {\n    provider: corosync_votequorum\n    two_node: %s\n}\n' "$two_node"
    printf 'logging {\n    to_syslog: yes\n    timestamp: on\n}\n'
  } > "${COROSYNC_DIR}/corosync.conf"
}

configured_members() { awk '/^ *name:/ {print $2}' "${COROSYNC_DIR}/corosync.conf" | sort | tr '\n' ' '; }

partition_complete() {
  corosync-quorumtool -s 2>/dev/null | grep -q '^Quorate: *Yes' && [ "$(crm_node -p 2>/dev/null | wc -w)" -eq "$NODE_COUNT" ]
}

# Formats a device only if blkid finds no signature at all, and only if this cluster never had a
# file system under this volume name on another volume (a replaced, empty volume must not hide
# the data on the retained one).
make_filesystem() {
  local name=$1 vol=$2 device rc=0 marker
  device=$(device_of "$vol")
  blkid -p "$device" > /dev/null 2>&1 || rc=$?
  marker=$(aws_ get "${MARKERS}/fs/${name}")
  case "$rc" in
    0) log "${device} already has a file system or signature: not formatting ($(blkid -p -o export "$device" | tr '\n' ' '))"
       [ -n "$marker" ] || aws_ put "${MARKERS}/fs/${name}" "$vol" ;;
    2) if [ -n "$marker" ] && ! grep -qw -- "$vol" <<< "$FORMAT_VOLUMES"; then
         fail "refusing to format blank ${vol} (${name}): this cluster had a file system for '${name}' on ${marker}. Restore it (snapshotId) or, to start empty on purpose, run: sudo FORMAT_VOLUMES=${vol} /opt/multi-attach/bootstrap.sh"
       fi
       log "creating GFS2 ${CLUSTER_NAME}:${name} with ${JOURNALS} journals on ${device}"
       mkfs.gfs2 -O -p lock_dlm -t "${CLUSTER_NAME}:${name}" -j "$JOURNALS" "$device"
       aws_ put "${MARKERS}/fs/${name}" "$vol" ;;
    *) fail "blkid could not probe ${device} (exit ${rc}): not formatting" ;;
  esac
}

configure_resources() {
  local members_list spec name vol delay=()
  members_list=$(cut -d' ' -f1 <<< "$MEMBERS" | tr '\n' ' ')
  [ "$NODE_COUNT" -eq 2 ] && delay=(pcmk_delay_max=15)
  pcs property set stonith-enabled=true no-quorum-policy=freeze
  if pcs stonith config fence-aws > /dev/null 2>&1; then
    pcs stonith update fence-aws pcmk_host_list="${members_list% }"
  else
    # No access keys: fence_aws uses the instance profile, which may stop and start only the
    # instances that run with this cluster's instance profile.
    pcs stonith create fence-aws fence_aws region="$REGION" pcmk_host_list="${members_list% }" \
      power_timeout=240 pcmk_reboot_timeout=600 pcmk_reboot_retries=4 "${delay[@]}"
  fi
  if ! pcs resource config locking-clone > /dev/null 2>&1; then
    pcs resource create dlm --group locking ocf:pacemaker:controld op monitor interval=30s on-fail=fence
    pcs resource clone locking interleave=true
  fi
  for spec in $VOLUMES; do
    name=${spec%%=*}
    vol=${spec#*=}
    make_filesystem "$name" "$vol"
    if ! pcs resource config "fs-${name}-clone" > /dev/null 2>&1; then
      pcs resource create "fs-${name}" ocf:heartbeat:Filesystem device="$(device_of "$vol")" \
        directory="${MOUNT_ROOT}/${name}" fstype=gfs2 options=noatime op monitor interval=10s on-fail=fence
      pcs resource clone "fs-${name}" interleave=true
      pcs constraint order start locking-clone 'then' "fs-${name}-clone"
      pcs constraint colocation add "fs-${name}-clone" with locking-clone
    fi
  done
}

all_mounted() {
  local spec
  for spec in $VOLUMES; do findmnt -t gfs2 "${MOUNT_ROOT}/${spec%%=*}" > /dev/null || return 1; done
}

# A cluster formed before by other nodes that still exist: joining it means changing every
# member's configuration, which is an operator's procedure (README "Scaling out").
live_cluster_elsewhere() {
  local previous id
  previous=$(aws_ get "${MARKERS}/members")
  if grep -qw -- "$SELF" <<< "$previous"; then return 1; fi
  for id in $previous; do
    if grep -q "^${id} " <<< "$MEMBERS"; then return 0; fi
  done
  return 1
}

member_ids() { cut -d' ' -f1 <<< "$MEMBERS" | tr '\n' ' '; }

# Every node starts pacemaker; the leader (lowest instance id) creates what is missing: on a
# re-run that is a volume added to `volumes`. Then each node waits for its own mounts.
form() {
  local leader spec vol
  leader=$(head -n1 <<< "$MEMBERS" | cut -d' ' -f1)
  for spec in $VOLUMES; do mkdir -p "${MOUNT_ROOT}/${spec%%=*}"; done
  systemctl enable --now corosync.service pacemaker.service
  for vol in $(volume_ids); do
    wait_for "$TIMEOUT" test -e "$(device_of "$vol")" || fail "volume ${vol} did not appear as $(device_of "$vol")"
  done
  if [ "$SELF" = "$leader" ]; then
    wait_for "$TIMEOUT" partition_complete || fail "the cluster did not reach ${NODE_COUNT} members with quorum"
    configure_resources
    aws_ put "${MARKERS}/members" "$(member_ids)"
  fi
  wait_for "$TIMEOUT" all_mounted || fail "the file systems were not mounted under ${MOUNT_ROOT} within ${TIMEOUT} s"
  touch "${STATE_DIR}/formed"
}

main() {
  local mode=${1:-}
  trap 'rc=$?; [ "$rc" -eq 0 ] || signal FAILURE "bootstrap failed on ${SELF:-a node}: see ${LOG}"' EXIT
  log "bootstrapping ${CLUSTER_NAME} ${mode}"
  command -v pcs > /dev/null || install_packages
  command -v ma-aws > /dev/null || { install_helper; PATH="/opt/multi-attach:${PATH}"; }
  SELF=$(imds instance-id)
  read_config
  load_modules
  wait_for "$TIMEOUT" members_ready || fail "${NOT_A_NODE:-the ${NODE_COUNT} nodes were not all running and attached within ${TIMEOUT} s}"
  log "members: $(member_ids); this node ${SELF}"
  mkdir -p "$STATE_DIR"
  if [ "$mode" = --reconfigure ]; then
    # Re-forms the cluster with the stack's current nodes, keeping the data (README "Scaling out").
    ! systemctl is-active --quiet corosync.service || fail "stop the cluster on this node first: sudo pcs cluster stop"
    rm -f "${STATE_DIR}/formed"
  elif [ -e "${STATE_DIR}/formed" ]; then
    if [ "$(configured_members)" != "$(member_ids)" ]; then
      fail "the members changed (configured: $(configured_members); now: $(member_ids)): follow the README procedure 'Scaling out'; the running cluster is left as it is"
    fi
    form
    log "cluster already formed on this node; configuration reconciled"
    return 0
  elif live_cluster_elsewhere; then
    fail "a running cluster of this id exists ($(aws_ get "${MARKERS}/members")): this node joins it only through the README procedure 'Scaling out'"
  fi
  # The packages start a default one-node cluster: remove its CIB and configuration first.
  pcs cluster destroy --force > /dev/null
  write_authkey
  write_corosync_conf
  form
  signal SUCCESS "mounted on ${SELF}"
  log "done; every file system is mounted; 'pcs status' shows the cluster"
}

# Keep a copy to run again by hand (user data runs once per instance).
COPY=${BOOTSTRAP_COPY:-/opt/multi-attach/bootstrap.sh}
if [ "${BASH_SOURCE[0]}" != "$COPY" ]; then
  mkdir -p "$(dirname "$COPY")"
  cp "${BASH_SOURCE[0]}" "$COPY" 2>/dev/null && chmod 0700 "$COPY" || true
fi
main "$@"

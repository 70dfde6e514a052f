#!/bin/bash
# Forms a corosync/pacemaker cluster of the nodes of one MultiAttachCluster on Ubuntu 24.04 and
# mounts a GFS2 file system of every shared volume on every node. Every node runs the same script;
# the node with the lowest instance id is the leader that creates the file systems (only on blank
# devices) and the pacemaker resources. Safe to run again (`/opt/multi-attach/bootstrap.sh`).
# Rendered at synth: each placeholder in the quoted assignments below is replaced by a validated value.
set -euo pipefail

CLUSTER_NAME='@@CLUSTER_NAME@@'
CLUSTER_TAG_KEY='@@CLUSTER_TAG_KEY@@'
CLUSTER_ID='@@CLUSTER_ID@@'
NODE_COUNT='@@NODE_COUNT@@'
JOURNALS='@@JOURNALS@@'
REGION='@@REGION@@'
MAC_KEY_ARN='@@MAC_KEY_ARN@@'
MOUNT_ROOT='@@MOUNT_ROOT@@'
# Space-separated name=device pairs; the device is the stable /dev/disk/by-id path of the volume.
VOLUMES='@@VOLUMES@@'

LOG=/var/log/multi-attach-bootstrap.log
COROSYNC_DIR=/etc/corosync
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
    sleep 10
  done
}

imds() {
  local token
  token=$(curl -sSf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sSf -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q corosync pacemaker pcs dlm-controld gfs2-utils fence-agents-aws \
    resource-agents-extra python3-boto3
  # The packages start a one-node default cluster and pcsd: stop them before configuring.
  # pcsd is not used (no hacluster password exists): every pcs command below runs locally.
  systemctl disable --now pcsd.service pcsd-ruby.service dlm.service 2>/dev/null || true
  systemctl stop pacemaker.service corosync.service || true
}

# Prints "<instance id> <private ip>" for every pending or running member, sorted by instance id.
discover_members() {
  python3 - "$REGION" "$CLUSTER_TAG_KEY" "$CLUSTER_ID" <<'PY' | sort
import sys
import boto3
region, key, value = sys.argv[1:4]
ec2 = boto3.client('ec2', region_name=region)
filters = [{'Name': 'tag:' + key, 'Values': [value]},
           {'Name': 'instance-state-name', 'Values': ['pending', 'running']}]
for page in ec2.get_paginator('describe_instances').paginate(Filters=filters):
    for reservation in page['Reservations']:
        for instance in reservation['Instances']:
            print(instance['InstanceId'], instance.get('PrivateIpAddress', '-'))
PY
}

members_complete() {
  MEMBERS=$(discover_members)
  local count
  count=$(grep -c . <<< "$MEMBERS" || true)
  if [ "$count" -gt "$NODE_COUNT" ]; then
    # Another generation of this cluster is running (for example replaced instances whose
    # predecessors are still up). Forming a second cluster on the same volumes would corrupt them.
    fail "found ${count} instances tagged ${CLUSTER_TAG_KEY}=${CLUSTER_ID}, expected ${NODE_COUNT}: refusing to form a second cluster on the shared volumes. Terminate the old nodes, then run /opt/multi-attach/bootstrap.sh again."
  fi
  [ "$count" -eq "$NODE_COUNT" ] && ! grep -q ' -$' <<< "$MEMBERS"
}

# The corosync authkey is derived, never stored: HMAC-SHA-256 of the cluster id under a KMS HMAC
# key that only the cluster's instance role may use, expanded to 256 bytes. Every node computes
# the same key; it exists nowhere at rest but in /etc/corosync/authkey (mode 0400).
write_authkey() {
  local key="${COROSYNC_DIR}/authkey" mask
  mask=$(umask)
  umask 077
  python3 - "$REGION" "$MAC_KEY_ARN" "$CLUSTER_ID" <<'PY' > "$key"
import sys
import boto3
region, key, cluster = sys.argv[1:4]
kms = boto3.client('kms', region_name=region)
parts = [kms.generate_mac(KeyId=key, MacAlgorithm='HMAC_SHA_256',
                          Message=('corosync-authkey/%s/%d' % (cluster, i)).encode())['Mac'] for i in range(8)]
sys.stdout.buffer.write(b''.join(parts))
PY
  chmod 0400 "$key"
  umask "$mask"
}

write_corosync_conf() {
  local nodeid=0 id ip two_node=0
  [ "$NODE_COUNT" -eq 2 ] && two_node=1
  {
    echo 'totem {'
    echo '    version: 2'
    echo "    cluster_name: ${CLUSTER_NAME}"
    echo '    transport: knet'
    echo '    crypto_cipher: aes256'
    echo '    crypto_hash: sha256'
    echo '}'
    echo 'nodelist {'
    while read -r id ip; do
      nodeid=$((nodeid + 1))
      echo "    node {"
      echo "        ring0_addr: ${ip}"
      echo "        name: ${id}"
      echo "        nodeid: ${nodeid}"
      echo "    }"
    done <<< "$MEMBERS"
    echo '}'
    echo 'quorum {'
    echo '    provider: corosync_votequorum'
    # Two nodes: quorum with one node left (two_node implies wait_for_all at start-up); fencing
    # with a random delay decides which node survives a split.
    echo "    two_node: ${two_node}"
    echo '}'
    echo 'logging {'
    echo '    to_syslog: yes'
    echo '    to_logfile: yes'
    echo '    logfile: /var/log/corosync/corosync.log'
    echo '    timestamp: on'
    echo '}'
  } > "${COROSYNC_DIR}/corosync.conf"
}

wait_for_devices() {
  local spec device
  for spec in $VOLUMES; do
    device=${spec#*=}
    wait_for 900 test -b "$device" || fail "volume ${device} was not attached within 15 minutes"
  done
}

partition_complete() {
  local members
  members=$(crm_node -p 2>/dev/null || true)
  corosync-quorumtool -s 2>/dev/null | grep -q '^Quorate: *Yes' && [ "$(wc -w <<< "$members")" -eq "$NODE_COUNT" ]
}

# Creates a GFS2 file system only on a device without any signature: a volume that holds data
# (or anything at all) is never formatted.
make_filesystem() {
  local name=$1 device=$2 rc=0
  blkid -p "$device" > /dev/null 2>&1 || rc=$?
  case "$rc" in
    0) log "${device} already has a file system or signature: not formatting ($(blkid -p -o export "$device" | tr '\n' ' '))" ;;
    2) log "creating GFS2 ${CLUSTER_NAME}:${name} with ${JOURNALS} journals on ${device}"
       mkfs.gfs2 -O -p lock_dlm -t "${CLUSTER_NAME}:${name}" -j "$JOURNALS" "$device" ;;
    *) fail "blkid could not probe ${device} (exit ${rc}): not formatting" ;;
  esac
}

configure_resources() {
  local members_list spec name device delay=()
  members_list=$(cut -d' ' -f1 <<< "$MEMBERS" | tr '\n' ' ')
  [ "$NODE_COUNT" -eq 2 ] && delay=(pcmk_delay_max=15)
  pcs property set stonith-enabled=true no-quorum-policy=freeze
  if ! pcs stonith config fence-aws > /dev/null 2>&1; then
    # No access keys: fence_aws uses the instance profile, which may stop and start only the
    # instances tagged with this cluster's id.
    pcs stonith create fence-aws fence_aws region="$REGION" pcmk_host_list="${members_list% }" \
      power_timeout=240 pcmk_reboot_timeout=600 pcmk_reboot_retries=4 "${delay[@]}"
  fi
  if ! pcs resource config locking-clone > /dev/null 2>&1; then
    pcs resource create dlm --group locking ocf:pacemaker:controld op monitor interval=30s on-fail=fence
    pcs resource clone locking interleave=true
  fi
  for spec in $VOLUMES; do
    name=${spec%%=*}
    device=${spec#*=}
    make_filesystem "$name" "$device"
    if ! pcs resource config "fs-${name}-clone" > /dev/null 2>&1; then
      pcs resource create "fs-${name}" ocf:heartbeat:Filesystem device="$device" \
        directory="${MOUNT_ROOT}/${name}" fstype=gfs2 options=noatime op monitor interval=10s on-fail=fence
      pcs resource clone "fs-${name}" interleave=true
      pcs constraint order start locking-clone 'then' "fs-${name}-clone"
      pcs constraint colocation add "fs-${name}-clone" with locking-clone
    fi
  done
}

main() {
  log "bootstrapping ${CLUSTER_NAME} (${NODE_COUNT} nodes, ${JOURNALS} journals per file system)"
  command -v pcs > /dev/null || install_packages
  local self leader spec
  self=$(imds instance-id)
  wait_for 900 members_complete || fail "fewer than ${NODE_COUNT} members found within 15 minutes"
  leader=$(head -n1 <<< "$MEMBERS" | cut -d' ' -f1)
  log "members: $(tr '\n' ' ' <<< "$MEMBERS"); leader ${leader}; this node ${self}"
  write_authkey
  write_corosync_conf
  for spec in $VOLUMES; do mkdir -p "${MOUNT_ROOT}/${spec%%=*}"; done
  systemctl enable --now corosync.service pacemaker.service
  wait_for_devices
  if [ "$self" = "$leader" ]; then
    wait_for 900 partition_complete || fail "the cluster did not reach ${NODE_COUNT} members with quorum"
    configure_resources
  fi
  log "done; 'pcs status' shows the cluster"
}

# Keep a copy to run again by hand (user data runs once per instance).
if [ "${BASH_SOURCE[0]}" != /opt/multi-attach/bootstrap.sh ]; then
  mkdir -p /opt/multi-attach
  cp "${BASH_SOURCE[0]}" /opt/multi-attach/bootstrap.sh 2>/dev/null && chmod 0700 /opt/multi-attach/bootstrap.sh || true
fi
main "$@"

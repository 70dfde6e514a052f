#!/bin/bash
# Raw block mode: waits until every shared volume is attached and lists the stable device paths
# in /etc/multi-attach/volumes (name=device per line). Creates no file system and mounts nothing:
# the application coordinates its writes (ext4 or XFS on two nodes at once corrupts the volume).
# Rendered at synth: each placeholder in the quoted assignments below is replaced by a validated value.
set -euo pipefail

NODE_COUNT='@@NODE_COUNT@@'
# Space-separated name=device pairs; the device is the stable /dev/disk/by-id path of the volume.
VOLUMES='@@VOLUMES@@'

log() { echo "$(date -u +%FT%TZ) multi-attach: $*"; }

main() {
  local spec device waited
  mkdir -p /etc/multi-attach
  : > /etc/multi-attach/volumes
  for spec in $VOLUMES; do
    device=${spec#*=}
    waited=0
    until [ -b "$device" ]; do
      [ "$waited" -lt 900 ] || { log "ERROR: ${device} was not attached within 15 minutes"; exit 1; }
      sleep 10
      waited=$((waited + 10))
    done
    echo "$spec" >> /etc/multi-attach/volumes
  done
  # io2 volumes support NVMe reservations (on by default since 2023-09-18) on RHEL 8.3+, AL2+,
  # SLES 12 SP3+ and Windows Server 2016+: applications can fence with nvme resv-register/acquire.
  log "shared by ${NODE_COUNT} nodes, not mounted: $(tr '\n' ' ' < /etc/multi-attach/volumes)"
}

main "$@"

#!/bin/bash
# Application-consistent EBS snapshots: freezes the filesystems listed in FREEZE_MOUNT_POINTS
# before Data Lifecycle Manager starts the snapshot and thaws them right after.
# DLM runs it through an SSM document with its command as the first argument:
#   pre-script | post-script | dry-run
# A systemd timer thaws every filesystem after MAX_FREEZE_SECONDS even if the post script never
# runs; without systemd the script refuses to freeze and DLM falls back to a crash-consistent snapshot.
set -euo pipefail

command="${1:-dry-run}"
read -r -a mount_points <<< "${FREEZE_MOUNT_POINTS:-}"
max_freeze_seconds="${MAX_FREEZE_SECONDS:-60}"

log() { echo "[dlm-freeze] $*"; }

check_mount_points() {
  if [ "${#mount_points[@]}" -eq 0 ]; then
    log "FREEZE_MOUNT_POINTS is empty: nothing to freeze"
    exit 1
  fi
  for mp in "${mount_points[@]}"; do
    if [ "$mp" = "/" ]; then
      log "refusing to freeze the root filesystem (the SSM agent writes there)"
      exit 1
    fi
    if ! mountpoint -q "$mp"; then
      log "$mp is not a mount point"
      exit 1
    fi
  done
}

thaw() {
  for mp in "${mount_points[@]}"; do
    # Thawing a filesystem that is not frozen fails: expected after the safety timer fired.
    if fsfreeze -u "$mp" 2>/dev/null; then
      log "thawed $mp"
    fi
  done
}

freeze() {
  if ! command -v systemd-run > /dev/null; then
    log "systemd-run not found: not freezing without a safety thaw"
    exit 1
  fi
  sync
  for mp in "${mount_points[@]}"; do
    unit="dlm-thaw-$(systemd-escape --path "$mp")-$$"
    systemd-run --quiet --on-active="${max_freeze_seconds}s" --unit="$unit" fsfreeze -u "$mp"
    if ! fsfreeze -f "$mp"; then
      log "could not freeze $mp: thawing everything"
      thaw
      exit 1
    fi
    log "froze $mp (safety thaw in ${max_freeze_seconds}s)"
  done
}

case "$command" in
  pre-script)
    check_mount_points
    freeze
    ;;
  post-script)
    thaw
    ;;
  dry-run)
    check_mount_points
    log "dry run: would freeze ${mount_points[*]}"
    ;;
  *)
    log "unknown command '$command' (expected pre-script, post-script or dry-run)"
    exit 1
    ;;
esac

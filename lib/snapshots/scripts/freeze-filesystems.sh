#!/bin/bash
# Application-consistent EBS snapshots: freezes the filesystems listed in FREEZE_MOUNT_POINTS
# before Data Lifecycle Manager starts the snapshot and thaws them right after.
#
# DLM runs it through an SSM document: $1 is pre-script, post-script or dry-run, $2 the
# execution id. Exit codes follow DLM's pre/post script contract (EBS User Guide, "Automating
# application-consistent snapshots with pre and post scripts"):
#   201 pre-script failed            202 post-script failed
#   203 the safety thaw fired before the post-script (the snapshot is not consistent)
#   204 pre-script while a freeze awaits its post-script (or a filesystem is already frozen)
#   205 post-script without a freeze of a pre-script
#
# A systemd timer (systemd-run) thaws what this run froze after MAX_FREEZE_SECONDS if the
# post-script never comes; the post-script cancels it. The state lives in DLM_FREEZE_STATE_DIR
# (/run, a tmpfs: never frozen, empty after a reboot), so a run only ever thaws its own freeze.
set -uo pipefail

readonly PRE_FAILED=201 POST_FAILED=202 AUTO_THAWED=203 FREEZE_PENDING=204 NO_FREEZE=205

command="${1:-dry-run}"
execution_id="${2:-None}"
read -r -a mount_points <<< "${FREEZE_MOUNT_POINTS:-}"
max_freeze_seconds="${MAX_FREEZE_SECONDS:-60}"
state_dir="${DLM_FREEZE_STATE_DIR:-/run/dlm-freeze}"
# Paths the SSM agent (which runs the post-script) and this script write to: a filesystem
# holding one of them must never be frozen.
protected_paths=(/ /var/lib/amazon/ssm /var/log/amazon/ssm /run "$state_dir")

log() { echo "[dlm-freeze] $*"; }
fail() { log "ERROR: $2"; exit "$1"; }

check_mount_points() {
  local code="$1" mp resolved protected
  [ "${#mount_points[@]}" -gt 0 ] || fail "$code" "FREEZE_MOUNT_POINTS is empty: nothing to freeze"
  for mp in "${mount_points[@]}"; do
    resolved="$(realpath -m -- "$mp")"
    for protected in "${protected_paths[@]}"; do
      if [ "$resolved" = "$protected" ] || [ "$resolved" = / ] || [[ "$protected" == "$resolved"/* ]]; then
        fail "$code" "refusing to freeze $mp ($resolved): it holds $protected, which the SSM agent or this script writes to"
      fi
    done
    mountpoint -q "$resolved" || fail "$code" "$mp is not a mount point"
  done
}

clear_state() { rm -f "$state_dir/run" "$state_dir/unit" "$state_dir/frozen" "$state_dir/auto-thawed"; }

# Thaws what this run froze and cancels its safety thaw (a failed pre-script leaves nothing frozen).
roll_back() {
  local mp
  systemctl stop "$(cat "$state_dir/unit").timer" 2>/dev/null
  while read -r mp; do
    fsfreeze -u "$mp" && log "rolled back the freeze of $mp"
  done < "$state_dir/frozen"
  clear_state
}

pre_script() {
  local token unit mp out
  check_mount_points "$PRE_FAILED"
  command -v systemd-run > /dev/null || fail "$PRE_FAILED" "systemd-run not found: not freezing without a safety thaw"
  mkdir -p "$state_dir" || fail "$PRE_FAILED" "cannot create $state_dir"
  if [ -e "$state_dir/run" ]; then
    # An earlier freeze whose post-script never came: stale only once its safety thaw fired.
    [ -e "$state_dir/auto-thawed" ] || fail "$FREEZE_PENDING" "the freeze of run $(cat "$state_dir/run") awaits its post-script; not freezing again"
    log "clearing the state of run $(cat "$state_dir/run"), which its safety thaw ended"
    clear_state
  fi
  token="$execution_id"
  [ "$token" != None ] || token="local-$$-$(date +%s)"
  unit="dlm-thaw-${token//[^A-Za-z0-9-]/-}"
  if ! { echo "$token" > "$state_dir/run" && echo "$unit" > "$state_dir/unit" && : > "$state_dir/frozen"; }; then
    fail "$PRE_FAILED" "cannot write the state to $state_dir"
  fi
  # The safety thaw exists before the first freeze. It thaws only this run's freeze, and marks
  # that it fired before thawing, so that the post-script can report the inconsistent snapshot.
  # shellcheck disable=SC2016 # expanded by the safety thaw, not here
  if ! systemd-run --quiet --unit="$unit" --on-active="${max_freeze_seconds}s" /bin/bash -c \
      '[ "$(cat "$1/run" 2>/dev/null)" = "$2" ] || exit 0; touch "$1/auto-thawed"; while read -r mp; do fsfreeze -u "$mp"; done < "$1/frozen"' \
      dlm-safety-thaw "$state_dir" "$token"; then
    clear_state
    fail "$PRE_FAILED" "could not schedule the safety thaw: not freezing"
  fi
  sync
  for mp in "${mount_points[@]}"; do
    mp="$(realpath -m -- "$mp")"
    if ! out="$(fsfreeze -f "$mp" 2>&1)"; then
      roll_back
      # Frozen by someone else (another backup tool, an admin): theirs to thaw, not ours.
      [[ "$out" == *"Device or resource busy"* ]] && fail "$FREEZE_PENDING" "$mp is already frozen by another process: left as it is"
      fail "$PRE_FAILED" "could not freeze $mp: $out"
    fi
    echo "$mp" >> "$state_dir/frozen"
    log "froze $mp (safety thaw in ${max_freeze_seconds}s)"
  done
}

post_script() {
  local mp out failed=()
  [ -e "$state_dir/run" ] || fail "$NO_FREEZE" "no freeze of a pre-script to thaw"
  if [ ! -e "$state_dir/auto-thawed" ]; then
    systemctl stop "$(cat "$state_dir/unit").timer" 2>/dev/null || log "the safety thaw timer was already gone"
  fi
  # Checked after cancelling the timer: it may have fired a moment before.
  if [ -e "$state_dir/auto-thawed" ]; then
    clear_state
    fail "$AUTO_THAWED" "the safety thaw fired after ${max_freeze_seconds}s, before the post-script: the snapshot is not application-consistent"
  fi
  while read -r mp; do
    if out="$(fsfreeze -u "$mp" 2>&1)"; then log "thawed $mp"; else failed+=("$mp: $out"); fi
  done < "$state_dir/frozen"
  clear_state
  [ "${#failed[@]}" -eq 0 ] || fail "$POST_FAILED" "could not thaw ${failed[*]}"
}

case "$command" in
  pre-script) pre_script ;;
  post-script) post_script ;;
  dry-run)
    check_mount_points 1
    log "dry run: would freeze ${mount_points[*]}"
    ;;
  *) fail 1 "unknown command '$command' (expected pre-script, post-script or dry-run)" ;;
esac

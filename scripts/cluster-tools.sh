#!/usr/bin/env bash
# The multi-attach tests check the cluster commands against the real tools (pcs on an offline CIB,
# corosync -t, mkfs.gfs2/tunegfs2/blkid on image files), which Debian and Ubuntu package. Runs
# before `npm test` (npm's pretest): a no-op where the tools are installed; as root with apt-get
# (CI, a fresh Debian machine) it installs them without starting any service; elsewhere it says
# what to install.
set -euo pipefail
tools=(pcs cibadmin corosync mkfs.gfs2 tunegfs2 gfs2_jadd blkid)
missing=()
for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=(pcs pacemaker corosync gfs2-utils dlm-controld util-linux)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "cluster-tools: installing ${packages[*]} (missing: ${missing[*]})" >&2
  # no service may start while the packages install (invoke-rc.d honours policy-rc.d)
  policy=/usr/sbin/policy-rc.d
  created=
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=1; fi
  trap '[ -n "$created" ] && rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  exit 0
fi
echo "cluster-tools: missing ${missing[*]}. Install them first: sudo apt-get install ${packages[*]}" >&2
exit 1

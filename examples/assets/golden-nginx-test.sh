#!/bin/bash
# Test step of the web server golden image, run on a fresh instance launched from the new AMI:
# nginx starts at boot and serves the Hello page.
set -euo pipefail

systemctl is-enabled --quiet nginx
systemctl is-active --quiet nginx || systemctl start nginx
for attempt in 1 2 3 4 5; do
  if body="$(curl --silent --show-error --fail --max-time 5 http://127.0.0.1/)"; then
    break
  fi
  echo "nginx not answering yet (attempt ${attempt})"
  sleep 3
done
if ! grep -q 'Hello' <<<"${body:-}"; then
  echo "expected a Hello page, got: ${body:-nothing}" >&2
  exit 1
fi
if curl --silent --head http://127.0.0.1/ | grep -qi '^server: nginx/'; then
  echo 'nginx discloses its version' >&2
  exit 1
fi
echo 'web server image OK'

#!/bin/bash
# A minimal "Hello" web server on port 80 for the failover example, using only what Amazon Linux
# 2023 ships (python3), because the standby has no public address and so no internet egress to
# install packages. Images with a web server baked in (the golden AMI) do not need this script.
set -euo pipefail

readonly WEB_ROOT=/var/www/hello
instance_id="$(TOKEN="$(curl -sS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)" \
  && curl -sS -H "X-aws-ec2-metadata-token: ${TOKEN}" http://169.254.169.254/latest/meta-data/instance-id)"

mkdir -p "${WEB_ROOT}"
printf '<!doctype html><title>Hello</title><h1>Hello from %s</h1>\n' "${instance_id}" > "${WEB_ROOT}/index.html"

cat > /etc/systemd/system/hello-web.service <<UNIT
[Unit]
Description=Hello web server (failover example)
After=network-online.target

[Service]
ExecStart=/usr/bin/python3 -m http.server 80 --directory ${WEB_ROOT}
Restart=always
DynamicUser=yes
AmbientCapabilities=CAP_NET_BIND_SERVICE
ProtectSystem=strict
ProtectHome=yes
NoNewPrivileges=yes

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now hello-web.service

#!/bin/bash
# The seeds' web server: nginx serving a "Hello" page, on Amazon Linux 2023.
# Runs once at first boot as EC2 user data (root). Skipped when the image already has nginx
# (for example a golden AMI that baked it in), so the same user data fits both kinds of image.
set -euo pipefail

if ! command -v nginx >/dev/null 2>&1; then
  dnf install -y nginx
fi

# IMDSv2: a session token first, then the metadata (hop limit 1 is enough on the host).
token="$(curl -sS -X PUT 'http://169.254.169.254/latest/api/token' -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')"
instance_id="$(curl -sS -H "X-aws-ec2-metadata-token: ${token}" 'http://169.254.169.254/latest/meta-data/instance-id')"

cat > /usr/share/nginx/html/index.html <<HTML
<!doctype html>
<html><head><title>Hello</title></head>
<body><h1>Hello from ${instance_id}</h1></body></html>
HTML

systemctl enable --now nginx

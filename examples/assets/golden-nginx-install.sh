#!/bin/bash
# Build step of the web server golden image: nginx serving a "Hello" page (the seeds' manual
# "install nginx, write index.html, Create Image", automated). Runs as root on the build instance.
set -euo pipefail

dnf install -y nginx
install -d -m 0755 /usr/share/nginx/html
cat > /usr/share/nginx/html/index.html <<'HTML'
<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Hello</title></head>
  <body><h1>Hello from the golden AMI</h1></body>
</html>
HTML
chmod 0644 /usr/share/nginx/html/index.html
# Hide the version in headers and error pages.
sed -i 's/^\(\s*\)#\?\s*server_tokens .*/\1server_tokens off;/' /etc/nginx/nginx.conf
grep -q 'server_tokens off;' /etc/nginx/nginx.conf || sed -i 's/^http {/http {\n    server_tokens off;/' /etc/nginx/nginx.conf
nginx -t
systemctl enable nginx

#!/usr/bin/env bash
# Installs everything the tests and benchmarks need (client CLIs and wrk from Debian, npm packages) and runs the whole test command.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(libpq-dev bzip2 python3-openstackclient python3-openstacksdk ansible python3-swiftclient python3-boto3 awscli s3cmd rclone restic curl wrk)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
# The BullMQ adapter's contract suite needs Redis on 127.0.0.1:6379; the machine normally runs one.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  if command -v redis-server >/dev/null; then redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save '' >/dev/null; fi
fi
npm ci --no-audit --no-fund
npm test

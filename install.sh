#!/usr/bin/env bash
# One-command install: a virtual environment in .venv with kg and its test tools,
# plus the system tools the tests use (serdi, Chromium) when apt-get is available.
set -euo pipefail
cd "$(dirname "$0")"

if command -v apt-get >/dev/null 2>&1 && [ "${KG_SKIP_APT:-0}" != "1" ]; then
  need=()
  command -v serdi >/dev/null 2>&1 || need+=(serdi)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"
echo "installed: $(.venv/bin/kg --version)"

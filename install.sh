#!/usr/bin/env bash
# One-command install: a virtual environment in .venv with kg and its test tools,
# plus the system tools the tests use (serdi, Chromium, Virtuoso) when apt-get is available.
set -euo pipefail
cd "$(dirname "$0")"

if command -v apt-get >/dev/null 2>&1 && [ "${KG_SKIP_APT:-0}" != "1" ]; then
  need=()
  command -v serdi >/dev/null 2>&1 || need+=(serdi)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
  if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Debian's virtuoso-opensource would start a system Virtuoso on all interfaces (ports 1111 and 8890,
    # user dba/dba). The tests run their own on loopback, so forbid service starts during the install
    # (policy-rc.d) and disable the system service afterwards.
    guard=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
      $SUDO chmod 755 /usr/sbin/policy-rc.d
      guard=1
      trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    if [ -n "$guard" ]; then
      $SUDO rm -f /usr/sbin/policy-rc.d
      trap - EXIT
    fi
    if [[ " ${need[*]} " == *" virtuoso-opensource "* ]]; then
      if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
      elif command -v update-rc.d >/dev/null 2>&1; then
        $SUDO update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
      fi
    fi
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"
echo "installed: $(.venv/bin/kg --version)"

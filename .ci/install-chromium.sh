#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser test (DashboardBrowserTest), only when it is
# missing. Non-interactive; needs root (CI and the developer machines run as root). The test drives
# /usr/bin/chromium through Playwright, which is told not to download a browser of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
echo "installed: $(/usr/bin/chromium --version)"

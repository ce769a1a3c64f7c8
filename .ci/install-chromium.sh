#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser test (DashboardBrowserTest), only when it is
# missing. Non-interactive; needs root (CI and the developer machines run as root). The test drives
# /usr/bin/chromium through Playwright, which is told not to download a browser of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" chromium fonts-dejavu-core
echo "installed: $(/usr/bin/chromium --version)"

#!/usr/bin/env bash
# Installs Debian packages for the install-*.sh scripts: non-interactive, without recommends, through
# sudo unless already root (CI and the developer machines run as root).
#
#   .ci/apt-install.sh PACKAGE...
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "$@"

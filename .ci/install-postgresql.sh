#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries (package postgresql: initdb, pg_ctl, postgres under
# /usr/lib/postgresql/<major>/bin), only when none are there, for the outage tests
# (dev.detopt.service.availability.*OutageTest). The tests run their own throw-away cluster in a
# temporary directory on a free loopback port (ThrowawayPostgres); Debian's own cluster, if the
# package creates one, is not used. Non-interactive; needs root.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  echo "postgresql already installed: $(ls -d /usr/lib/postgresql/*/bin | tr "\n" " ")"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" postgresql
echo "installed: $(dpkg-query -W postgresql | tr "\n" " ")"

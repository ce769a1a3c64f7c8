#!/usr/bin/env bash
# Installs Debian's single-node Slurm (slurm-wlm 22.05: slurmctld + slurmd) and munge, only when
# sbatch is missing, for the Slurm launcher's tests (SlurmWorkerLauncherTest). The test itself
# writes its own slurm.conf and starts munged, slurmctld and slurmd on 127.0.0.1
# (dev.detopt.service.launcher.SingleNodeSlurm). Non-interactive; needs root.
set -euo pipefail

if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
    && command -v munged >/dev/null; then
  echo "slurm already installed: $(dpkg-query -W slurm-wlm munge | tr "\n" " ")"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" slurm-wlm munge
echo "installed: $(dpkg-query -W slurm-wlm munge | tr "\n" " ")"

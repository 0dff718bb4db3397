#!/usr/bin/env bash
# Runs the Flink example (examples/flink-job) on the compose session cluster with 'flink run', twice:
# the second run must report a Redis cache hit.
#   docker compose -f docker/docker-compose.yml up -d && docker/run-flink.sh [--records N]
set -euo pipefail
cd "$(dirname "$0")/.."

# Compose v2 (docker compose) or v1 (docker-compose); the file is valid for both.
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose -f docker/docker-compose.yml)
else
  COMPOSE=(docker-compose -f docker/docker-compose.yml)
fi
JAR_HOST=examples/flink-job/target/amorsize-flink-job.jar
JAR=/opt/amorsize/jars/amorsize-flink-job.jar
CLASS=io.amorsize.examples.flink.LogEnrichJob

if [ ! -f "$JAR_HOST" ]; then
  echo "missing $JAR_HOST; build it first: mvn -B -q package -DskipTests -pl examples/flink-job -am" >&2
  exit 2
fi

run() {
  "${COMPOSE[@]}" exec -T flink-jobmanager /opt/flink/bin/flink run -c "$CLASS" "$JAR" "$@"
}

echo "== run 1 (measures in the client, stores the profile in Redis)"
out1=$(run "$@" 2>&1 | tee /dev/stderr)
echo "$out1" | grep -q '^log-enrich: ' || { echo "FAIL: run 1 did not finish" >&2; exit 1; }

echo "== run 2 (must be a Redis cache hit)"
out2=$(run "$@" 2>&1 | tee /dev/stderr)
echo "$out2" | grep -q '^amorsize source: parse=CACHE_REDIS service=CACHE_REDIS' \
  || { echo "FAIL: run 2 was not a Redis cache hit" >&2; exit 1; }
echo "$out2" | grep -q '^log-enrich: ' || { echo "FAIL: run 2 did not finish" >&2; exit 1; }
echo "OK: second Flink run was a Redis cache hit"

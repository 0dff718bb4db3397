#!/usr/bin/env bash
# Submits the Spark example (examples/spark-job) to the compose cluster twice. The first run measures
# and stores the profile in Redis; the second must report a Redis cache hit and run no Amorsize job.
#   docker compose -f docker/docker-compose.yml up -d && docker/submit-spark.sh [--records N]
set -euo pipefail
cd "$(dirname "$0")/.."

# Compose v2 (docker compose) or v1 (docker-compose); the file is valid for both.
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose -f docker/docker-compose.yml)
else
  COMPOSE=(docker-compose -f docker/docker-compose.yml)
fi
JAR_HOST=examples/spark-job/target/amorsize-spark-job.jar
JAR=/opt/amorsize/jars/amorsize-spark-job.jar
CLASS=io.amorsize.examples.spark.LogEnrichJob
MASTER=spark://spark-master:7077

if [ ! -f "$JAR_HOST" ]; then
  echo "missing $JAR_HOST; build it first: mvn -B -q package -DskipTests -pl examples/spark-job -am" >&2
  exit 2
fi

submit() {
  "${COMPOSE[@]}" exec -T spark-master /opt/spark/bin/spark-submit \
    --master "$MASTER" --deploy-mode client --class "$CLASS" \
    --conf spark.driver.host=spark-master \
    "$JAR" "$@"
}

echo "== run 1 (measures, stores the profile in Redis)"
out1=$(submit "$@" 2>&1 | tee /dev/stderr)
echo "$out1" | grep -q '^log-enrich: ' || { echo "FAIL: run 1 did not finish" >&2; exit 1; }

echo "== run 2 (must be a Redis cache hit)"
out2=$(submit "$@" 2>&1 | tee /dev/stderr)
echo "$out2" | grep -q '^amorsize source: parse=CACHE_REDIS service=CACHE_REDIS' \
  || { echo "FAIL: run 2 was not a Redis cache hit" >&2; exit 1; }
echo "$out2" | grep -q '^amorsize jobs: total=0 ' \
  || { echo "FAIL: run 2 ran Amorsize sampling/measurement jobs despite the cache hit" >&2; exit 1; }
echo "$out2" | grep -q '^log-enrich: ' || { echo "FAIL: run 2 did not finish" >&2; exit 1; }
echo "OK: second Spark run was a Redis cache hit with no sampling job"

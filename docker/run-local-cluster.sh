#!/usr/bin/env bash
# Docker-free cluster runner: the docker-compose topology on one machine, from the Maven build.
#
#   docker/run-local-cluster.sh            # builds the job jars, then runs everything below
#   SKIP_BUILD=1 docker/run-local-cluster.sh
#
# 0. bin/run-example spark / flink: each example once on its embedded default (no Redis);
# 1. redis-server on a free loopback port;
# 2. a real Spark standalone Master and Worker, separate JVMs on 127.0.0.1, from the Maven classpath;
#    the Spark example (examples/spark-job) is submitted twice: the 2nd run must be a Redis cache hit
#    that runs no Amorsize job;
# 3. a real Flink session cluster (StandaloneSessionClusterEntrypoint + TaskManagerRunner, separate
#    JVMs, from the Maven classpath, no flink-dist); the Flink example is submitted to its REST port
#    twice: the 2nd run must be a Redis cache hit;
# 4. Redis is stopped and the Spark example runs once more: it must complete, reading the profile
#    from the local fallback file (CACHE_FILE).
# Every process it starts is killed on exit, also on failure or Ctrl-C (trap). Logs: $WORK (printed).
# Env: RECORDS (10000), KEEP_WORK=1 keeps the work directory, SKIP_BUILD=1,
#      STEPS ("example spark flink fallback": which parts to run, for debugging one part).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RECORDS=${RECORDS:-10000}
STEPS=${STEPS:-example spark flink fallback}
step() { [[ " $STEPS " == *" $1 "* ]]; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/amorsize-cluster.XXXXXX")
PIDS=()

log() { printf '[run-local-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }

# The PIDs we started plus their descendants (the Spark worker's executor JVMs), by parent id.
descendants() {
  local pid child
  for pid in "$@"; do
    echo "$pid"
    for child in $(awk -v p="$pid" '$4 == p {print $1}' /proc/[0-9]*/stat 2>/dev/null); do descendants "$child"; done
  done
}

CLEANED=0
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [ "$CLEANED" = 1 ] && return
  CLEANED=1
  mapfile -t ALL < <(descendants "${PIDS[@]}")
  PIDS=("${ALL[@]}")
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$code" != 0 ]; then
    log "logs in $WORK:"
    for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "---- $f (last 40 lines)"; tail -40 "$f" | cut -c1-300; }; done
  fi
  if [ "${KEEP_WORK:-0}" != 1 ] && [ "$code" = 0 ]; then rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (nothing answers a connect on it).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free port found"
}

# Minimal HTTP GET with bash only (no curl on a fresh machine): prints the body.
http_get() {
  local port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&- 3>&-
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  local end=$(( SECONDS + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$end" ] && fail "$what not ready after ${secs}s"
    sleep 0.5
  done
}

# ---------------------------------------------------------------- build
SPARK_JAR=$ROOT/examples/spark-job/target/amorsize-spark-job.jar
FLINK_JAR=$ROOT/examples/flink-job/target/amorsize-flink-job.jar
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$SPARK_JAR" ] || [ ! -f "$FLINK_JAR" ] \
   || [ ! -f examples/spark-job/target/all-classpath.txt ] || [ ! -f examples/flink-job/target/all-classpath.txt ]; then
  log "building the job jars and their classpaths"
  mvn -B -q package -DskipTests dependency:build-classpath -pl examples/spark-job,examples/flink-job -am \
    -Dmdep.outputFile=target/all-classpath.txt
fi
# Engine classpaths = everything the job modules resolve, minus this repository's own modules (those
# come from the shaded job jar, as on a real cluster).
engine_cp() { tr ':' '\n' < "$1" | grep -v "^$ROOT/" | paste -sd: -; }
SPARK_CP=$(engine_cp examples/spark-job/target/all-classpath.txt)
FLINK_CP=$(engine_cp examples/flink-job/target/all-classpath.txt)

# JDK 17 flags Spark and Flink apply themselves (org.apache.spark.launcher.JavaModuleOptions).
OPENS="-XX:+IgnoreUnrecognizedVMOptions"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar java.text java.time; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done
OPENS="$OPENS --add-exports=java.base/sun.net.util=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

# ---------------------------------------------------------------- embedded defaults
if step example; then
  for engine in spark flink; do
    log "bin/run-example $engine (embedded default, local file cache, no Redis)"
    env -u AMORSIZE_REDIS_URL AMORSIZE_CACHE_DIR="$WORK/example-cache" TMPDIR="$WORK" \
      bin/run-example "$engine" --records "$RECORDS" >"$WORK/example-$engine.log" 2>&1 \
      || fail "bin/run-example $engine failed (see $WORK/example-$engine.log)"
    grep -E '^(amorsize source|log-enrich):' "$WORK/example-$engine.log" | sed "s/^/  [example-$engine] /"
    grep -q '^amorsize source: parse=COMPUTED service=COMPUTED' "$WORK/example-$engine.log" \
      || fail "bin/run-example $engine did not measure (fresh cache expected)"
  done
fi

# ---------------------------------------------------------------- Redis
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=("$REDIS_PID")
wait_for 10 "redis-server" redis-cli -p "$REDIS_PORT" ping
log "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"
export AMORSIZE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export AMORSIZE_CACHE_PREFIX="amorsize-runner:"
export AMORSIZE_CACHE_DIR="$WORK/cache"

# ---------------------------------------------------------------- Spark standalone
if step spark || step fallback; then
export SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 SPARK_HOME="$WORK/spark-home"
mkdir -p "$SPARK_HOME/jars" "$WORK/spark-worker"
M_PORT=$(free_port); M_UI=$(free_port); W_UI=$(free_port)
java $OPENS -Xmx256m -Dspark.master.rest.enabled=false -Damorsize.runner="$WORK" -cp "$SPARK_CP" \
  org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$M_PORT" --webui-port "$M_UI" >"$WORK/spark-master.log" 2>&1 &
PIDS+=("$!")
java $OPENS -Xmx256m -Damorsize.runner="$WORK" -cp "$SPARK_CP" \
  org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory 1536m --webui-port "$W_UI" \
  --work-dir "$WORK/spark-worker" "spark://127.0.0.1:$M_PORT" >"$WORK/spark-worker.log" 2>&1 &
PIDS+=("$!")
spark_ready() { http_get "$M_UI" /json/ | grep -q '"aliveworkers" *: *1'; }
wait_for 90 "Spark master with one alive worker" spark_ready
log "Spark master spark://127.0.0.1:$M_PORT (UI $M_UI) with one worker (2 cores)"

spark_run() { # spark_run NAME: submits the example (client mode) and keeps its output in $WORK/NAME.log
  java $OPENS -Xmx768m -Damorsize.runner="$WORK" \
    -Dspark.executor.extraClassPath="$SPARK_CP" -Dspark.executor.memory=512m \
    -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false \
    -cp "$SPARK_JAR:$SPARK_CP" io.amorsize.examples.spark.LogEnrichJob \
    --master "spark://127.0.0.1:$M_PORT" --jar "$SPARK_JAR" --records "$RECORDS" >"$WORK/$1.log" 2>&1 \
    || fail "Spark $1 exited with an error (see $WORK/$1.log)"
  grep -E '^(amorsize (source|jobs)|log-enrich):' "$WORK/$1.log" | sed "s/^/  [$1] /"
  grep -q '^log-enrich: ' "$WORK/$1.log" || fail "Spark $1 did not finish"
}

fi

if step spark; then
log "Spark run 1: measures and stores the profiles in Redis"
spark_run spark-run1
log "Spark run 2: must be a Redis cache hit with no Amorsize job"
spark_run spark-run2
grep -q '^amorsize source: parse=CACHE_REDIS service=CACHE_REDIS' "$WORK/spark-run2.log" \
  || fail "Spark run 2 was not a Redis cache hit"
grep -q '^amorsize jobs: total=0 ' "$WORK/spark-run2.log" \
  || fail "Spark run 2 ran Amorsize sampling/measurement jobs despite the cache hit"
fi

# ---------------------------------------------------------------- Flink session cluster
if step flink; then
FLINK_CONF="$WORK/flink-conf"; mkdir -p "$FLINK_CONF"
F_REST=$(free_port); F_RPC=$(free_port)
cat >"$FLINK_CONF/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.bind-host: 127.0.0.1
jobmanager.rpc.port: $F_RPC
jobmanager.memory.process.size: 768m
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $F_REST
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: 2
taskmanager.cpu.cores: 2
taskmanager.memory.framework.heap.size: 64m
taskmanager.memory.task.heap.size: 256m
taskmanager.memory.framework.off-heap.size: 64m
taskmanager.memory.task.off-heap.size: 0m
taskmanager.memory.managed.size: 64m
taskmanager.memory.network.min: 64m
taskmanager.memory.network.max: 64m
taskmanager.memory.jvm-metaspace.size: 192m
taskmanager.memory.jvm-overhead.min: 128m
taskmanager.memory.jvm-overhead.max: 128m
io.tmp.dirs: $WORK/flink-tmp
YAML
mkdir -p "$WORK/flink-tmp"
java $OPENS -Xmx512m -Damorsize.runner="$WORK" -cp "$FLINK_CP" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$FLINK_CONF" >"$WORK/flink-jm.log" 2>&1 &
PIDS+=("$!")
java $OPENS -Xmx320m -XX:MaxDirectMemorySize=192m -Damorsize.runner="$WORK" -cp "$FLINK_CP" \
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$FLINK_CONF" >"$WORK/flink-tm.log" 2>&1 &
PIDS+=("$!")
flink_ready() { http_get "$F_REST" /overview | grep -q '"taskmanagers" *: *1'; }
wait_for 120 "Flink session cluster with one task manager" flink_ready
log "Flink session cluster: REST 127.0.0.1:$F_REST, one task manager (2 slots)"

flink_run() { # flink_run NAME
  java $OPENS -Xmx512m -Damorsize.runner="$WORK" -cp "$FLINK_JAR:$FLINK_CP" io.amorsize.examples.flink.LogEnrichJob \
    --remote "127.0.0.1:$F_REST" --jar "$FLINK_JAR" --records "$RECORDS" >"$WORK/$1.log" 2>&1 \
    || fail "Flink $1 exited with an error (see $WORK/$1.log)"
  grep -E '^(amorsize source|log-enrich):' "$WORK/$1.log" | sed "s/^/  [$1] /"
  grep -q '^log-enrich: ' "$WORK/$1.log" || fail "Flink $1 did not finish"
}
log "Flink run 1 (session cluster): measures in the client, stores the profiles in Redis"
flink_run flink-run1
log "Flink run 2: must be a Redis cache hit"
flink_run flink-run2
grep -q '^amorsize source: parse=CACHE_REDIS service=CACHE_REDIS' "$WORK/flink-run2.log" \
  || fail "Flink run 2 was not a Redis cache hit"
fi

# ---------------------------------------------------------------- Redis down: file fallback
if step fallback; then
log "stopping Redis (pid $REDIS_PID); Spark run 3 must complete from the local fallback file"
kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true
spark_run spark-run3-redis-down
grep -q '^amorsize source: parse=CACHE_FILE service=CACHE_FILE' "$WORK/spark-run3-redis-down.log" \
  || fail "Spark run 3 (Redis down) did not use the local fallback file"
fi

log "OK: all checks of the steps '$STEPS' passed"

#!/usr/bin/env bash
# Spark scan benchmark: the vhd data source against the same rows in Parquet, in one local[2] Spark
# session (one JVM), for two chain sizes. See "Spark scan benchmark" in docs/benchmarks.md.
#
# Usage: bench/spark-benchmark.sh [SCRATCH_DIR]
#   SCRATCH_DIR  where the chains and their Parquet copies go (per size, about 1.3 x SIZE on disk for
#                the images and 0.65 x SIZE for Parquet: 12 GB for the defaults); kept and reused by
#                the next run.
#                Default: a mktemp dir, deleted at the end.
# Environment:
#   SIZES_MIB ("2048 4096")  virtual disk sizes of the 3-level chains, multiples of 2
#   RUNS (2)                 timed runs per query (after one warm-up); the best is reported
#   JAVA_OPTS (-Xmx1g)       JVM options; the driver is the executor in local mode
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES_MIB=${SIZES_MIB:-"2048 4096"}
RUNS=${RUNS:-2}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}

if [[ $# -ge 1 ]]; then
  SCRATCH=$(mkdir -p "$1" && cd "$1" && pwd)
else
  SCRATCH=$(mktemp -d)
  trap 'rm -rf "$SCRATCH"' EXIT
fi

cd "$ROOT"
echo "building..." >&2
./mvnw -B -q -pl datasource -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
CP="datasource/target/test-classes:datasource/target/classes:$(cat datasource/target/bench.classpath)"
# What Spark 3.5 needs on Java 17 (the root pom's extraJavaTestArgs).
OPENS=$(sed -n '/<extraJavaTestArgs>/,/<\/extraJavaTestArgs>/p' pom.xml | grep -v extraJavaTestArgs | tr -s ' \n' ' ')

echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git status --porcelain 2>/dev/null) ]] && echo ' (working tree modified)')"
echo "cpu:    $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "java:   $(java -version 2>&1 | sed -n 2p); JAVA_OPTS=$JAVA_OPTS; local[2]"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the run"
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 java $OPENS $JAVA_OPTS -cp "$CP" org.vhdspark.spark.bench.SparkScanBenchmark \
  "$SCRATCH" "$RUNS" $SIZES_MIB

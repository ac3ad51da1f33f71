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

# shellcheck source=bench/spark-common.sh
source "$ROOT/bench/spark-common.sh"
spark_bench_scratch "$@"

cd "$ROOT"
spark_bench_build

spark_bench_header
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the run"
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 java $OPENS $JAVA_OPTS -cp "$CP" org.vhdspark.spark.bench.SparkScanBenchmark \
  "$SCRATCH" "$RUNS" $SIZES_MIB

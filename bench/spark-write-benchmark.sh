#!/usr/bin/env bash
# Spark write benchmark: df.write.format("vhd") of a child image against Spark's own Parquet write of
# the same rows, in one local[2] Spark session (one JVM), for two data sizes, the writes alternated
# run by run. See "Spark write benchmark" in docs/benchmarks.md.
#
# Usage: bench/spark-write-benchmark.sh [SCRATCH_DIR]
#   SCRATCH_DIR  where the images, the outputs and Spark's shuffle files go (per size, 5 x SIZE: the
#                parent, the input child and the three outputs, kept; up to 2 x SIZE more while a
#                write runs: 18 GB for the defaults); the images are reused by the next run.
#                Default: a mktemp dir, deleted at the end.
# Environment:
#   SIZES_MIB ("512 2048")   bytes of sector data written, in MiB, multiples of 2
#   RUNS (3)                 timed runs of each write (alternated); the best is reported
#   WARMUP (1)               untimed rounds of every write before the timed ones, at the first size
#   SECTORS_PER_ROW (1)      sectors per input row (the read option sectorsPerRow)
#   SHUFFLE_PARTITIONS (200) spark.sql.shuffle.partitions, Spark's default: adaptive execution
#                            coalesces the vhd write's shuffle to partitions of about 64 MiB (its
#                            tasks, so its fragments); 2 (the scan benchmark's) gives 1 GiB tasks
#                            whose sort spills to disk in a 1 GiB heap
#   WRITES (vhd,parquet,shuffled,noop)  the writes, in their order in each round: the vhd child,
#                            Parquet, Parquet after the vhd write's shuffle and sort, the noop sink
#   JAVA_OPTS (-Xmx1g)       JVM options; the driver is the executor in local mode
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES_MIB=${SIZES_MIB:-"512 2048"}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
SECTORS_PER_ROW=${SECTORS_PER_ROW:-1}
SHUFFLE_PARTITIONS=${SHUFFLE_PARTITIONS:-200}
WRITES=${WRITES:-vhd,parquet,shuffled,noop}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}

# shellcheck source=bench/spark-common.sh
source "$ROOT/bench/spark-common.sh"
spark_bench_scratch "$@"

cd "$ROOT"
spark_bench_build

spark_bench_header
echo "set-up: SIZES_MIB=\"$SIZES_MIB\" RUNS=$RUNS WARMUP=$WARMUP SECTORS_PER_ROW=$SECTORS_PER_ROW SHUFFLE_PARTITIONS=$SHUFFLE_PARTITIONS WRITES=$WRITES"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the run"
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 java $OPENS $JAVA_OPTS -cp "$CP" org.vhdspark.spark.bench.SparkWriteBenchmark \
  "$SCRATCH" "$RUNS" "$WARMUP" "$SECTORS_PER_ROW" "$SHUFFLE_PARTITIONS" "$WRITES" $SIZES_MIB
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the run"

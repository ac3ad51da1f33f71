#!/usr/bin/env bash
# Write benchmark: building a child with 10% of a multi-GiB disk's sectors changed (VhdWriter and
# diff), and vhd convert next to qemu-img convert -O vpc of the same dynamic image, in one run.
# See docs/benchmarks.md.
#
# Usage: bench/write-benchmark.sh [SCRATCH_DIR]
#   SCRATCH_DIR  holds images/base.vhd from bench/read-benchmark.sh (made if missing); default: a
#                mktemp dir, deleted at the end.
# Environment: SIZE_MIB (4096), JAVA_OPTS (-Xmx256m)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-4096}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
if [[ $# -ge 1 ]]; then
  SCRATCH=$(mkdir -p "$1" && cd "$1" && pwd)
else
  SCRATCH=$(mktemp -d)
  trap 'rm -rf "$SCRATCH"' EXIT
fi
mkdir -p "$SCRATCH/images"
(cd "$ROOT" && ./mvnw -q -B -pl vhd-core test-compile \
  && ./mvnw -q -B -pl vhd-core dependency:build-classpath -Dmdep.includeScope=test \
       -Dmdep.outputFile="$SCRATCH/write-classpath.txt") >&2
CLASSPATH_ALL=$ROOT/vhd-core/target/test-classes:$ROOT/vhd-core/target/classes:$(cat "$SCRATCH/write-classpath.txt")
echo "write benchmark, $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(qemu-img --version | head -1)"
java $JAVA_OPTS -cp "$CLASSPATH_ALL" org.vhdspark.bench.WriteBenchmark "$SCRATCH/images" "$SIZE_MIB"

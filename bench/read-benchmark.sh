#!/usr/bin/env bash
# Read benchmark: vhd-spark's resolved and delta views against qemu-img (dynamic image) and libvhdi
# (dynamic image and 3-level chain), all warm-cache, in one run on one machine. See docs/benchmarks.md.
#
# Usage: bench/read-benchmark.sh [SCRATCH_DIR]
#   SCRATCH_DIR  where the images go (about 5.3 GiB at the default size, plus a 2 GiB qemu-img
#                output while it runs); kept for the next run, which reuses images of the same size.
#                Default: a mktemp dir, deleted at the end.
# Environment:
#   SIZE_MIB (4096)   virtual disk size, a multiple of 2
#   RUNS (3)          timed runs per reader, after warm-up
#   JAVA_OPTS         JVM options of the harness (default -Xmx64m: the reads must fit a small heap)
#   PYTHON            a python3 with pyvhdi (default /usr/bin/python3)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-4096}
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:--Xmx64m}
PYTHON=${PYTHON:-/usr/bin/python3}
SEED=1
if ((SIZE_MIB <= 0 || SIZE_MIB % 2 != 0)); then
  echo "SIZE_MIB must be a positive multiple of 2 (whole 2 MiB blocks): $SIZE_MIB" >&2
  exit 2
fi

if [[ $# -ge 1 ]]; then
  SCRATCH=$(mkdir -p "$1" && cd "$1" && pwd)
  trap 'rm -rf "$SCRATCH/classes" "$SCRATCH/out.raw"' EXIT
else
  SCRATCH=$(mktemp -d)
  trap 'rm -rf "$SCRATCH"' EXIT
fi
IMAGES=$SCRATCH/images
RAW=$SCRATCH/out.raw
RESULTS=$SCRATCH/results.tsv
FINGERPRINTS=$SCRATCH/fingerprints.tsv
MEMORY=$SCRATCH/memory.txt
AB=$SCRATCH/ab.txt
: > "$AB"
: > "$RESULTS"
: > "$FINGERPRINTS"
: > "$MEMORY"

log() { printf '%s\n' "$*" >&2; }

machine() {
  echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit:      $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (working tree modified)')"
  echo "cpu:         $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "kernel:      $(uname -r)"
  echo "scratch fs:  $(df -hT "$SCRATCH" | awk 'NR == 2 {print $2 " on " $1}')"
  echo "java:        $(java -version 2>&1 | sed -n 2p)"
  echo "qemu-img:    $(qemu-img --version | head -1)"
  echo "libvhdi:     $("$PYTHON" -c 'import pyvhdi; print(pyvhdi.get_version())') (pyvhdi, $("$PYTHON" --version 2>&1))"
}

# Other work on the machine slows single runs: said with the figures.
contention() {
  local pressure=""
  [[ -r /proc/pressure/cpu ]] && pressure=", cpu pressure $(awk '/^some/ {print $2 " " $3}' /proc/pressure/cpu)"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg)$pressure"
}

build() {
  log "building vhd-core test classes"
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl vhd-core test-compile \
    && ./mvnw -q -B -pl vhd-core dependency:build-classpath -Dmdep.includeScope=test \
         -Dmdep.outputFile="$SCRATCH/classpath.txt") >&2
  # A private copy: other builds in the same tree must not pull the classes away mid-run.
  rm -rf "$SCRATCH/classes"
  mkdir -p "$SCRATCH/classes"
  cp -r "$ROOT/vhd-core/target/classes" "$ROOT/vhd-core/target/test-classes" "$SCRATCH/classes/"
  CLASSPATH_ALL=$SCRATCH/classes/test-classes:$SCRATCH/classes/classes:$(cat "$SCRATCH/classpath.txt")
}

harness() {
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CLASSPATH_ALL" org.vhdspark.bench.ReadBenchmark "$@"
}

generate() {
  local stamp="size=${SIZE_MIB}MiB seed=$SEED"
  if [[ -f $IMAGES/stamp && $(cat "$IMAGES/stamp") == "$stamp" ]]; then
    log "reusing the images in $IMAGES ($stamp)"
    return
  fi
  log "generating $stamp into $IMAGES"
  rm -rf "$IMAGES"
  mkdir -p "$IMAGES"
  harness generate "$IMAGES" "$SIZE_MIB" "$SEED" >&2
  echo "$stamp" > "$IMAGES/stamp"
}

write_libvhdi_reader() {
  cat > "$SCRATCH/libvhdi_read.py" <<'EOF'
"""Reads a VHD (with its parents, found by name in its folder as libvhdi does) or a raw file in
1 MiB reads; prints the fingerprint ReadBenchmark computes: XOR of the big-endian long at every 4 KiB."""
import os
import sys

import pyvhdi

CHUNK = 1 << 20


def fold(data, fingerprint):
    for i in range(0, len(data), 4096):
        fingerprint ^= int.from_bytes(data[i:i + 8], "big")
    return fingerprint


def open_chain(path):
    files = [pyvhdi.file()]
    files[0].open(path)
    while files[-1].get_disk_type() == 4:
        name = files[-1].get_parent_filename().replace("\\", "/").split("/")[-1]
        parent = pyvhdi.file()
        parent.open(os.path.join(os.path.dirname(path), name))
        files[-1].set_parent(parent)
        files.append(parent)
    return files


def main(mode, path):
    fingerprint = 0
    if mode == "raw":
        with open(path, "rb", buffering=0) as f:
            while data := f.read(CHUNK):
                fingerprint = fold(data, fingerprint)
    else:
        files = open_chain(path)
        size = files[0].get_media_size()
        offset = 0
        while offset < size:
            data = files[0].read_buffer_at_offset(min(CHUNK, size - offset), offset)
            if not data:
                raise SystemExit(f"{path}: short read at offset {offset}")
            fingerprint = fold(data, fingerprint)
            offset += len(data)
        for f in files:
            f.close()
    print(f"{fingerprint:016x}")


main(sys.argv[1], sys.argv[2])
EOF
}

# timed READER IMAGE BYTES PREPARE COMMAND...: one warm-up run, then RUNS timed runs of COMMAND, each
# after PREPARE (untimed, run by eval). Records the wall seconds, and the fingerprint when COMMAND
# prints one as its last line.
timed() {
  local reader=$1 image=$2 bytes=$3 prepare=$4
  shift 4
  log "timing: $reader, $image"
  eval "$prepare"
  "$@" > "$SCRATCH/last.out"
  local times=() start end
  for ((run = 0; run < RUNS; run++)); do
    eval "$prepare"
    start=$(date +%s%N)
    "$@" > "$SCRATCH/last.out"
    end=$(date +%s%N)
    times+=("$(awk -v ns=$((end - start)) 'BEGIN {printf "%.3f", ns / 1e9}')")
  done
  local IFS=,
  printf '%s\t%s\t%s\t%s\n' "$reader" "$image" "$bytes" "${times[*]}" >> "$RESULTS"
  if tail -1 "$SCRATCH/last.out" | grep -Eqx '[0-9a-f]{16}'; then
    printf '%s\t%s\t%s\n' "$reader" "$image" "$(tail -1 "$SCRATCH/last.out")" >> "$FINGERPRINTS"
  fi
}

table() {
  "$PYTHON" - "$RESULTS" <<'EOF'
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
header = ("reader", "image", "best s", "median s", "GB/s best", "GB/s median")
out = []
for reader, image, size, times in rows:
    seconds = [float(t) for t in times.split(",")]
    best, median = min(seconds), statistics.median(seconds)
    size = int(size)
    out.append((reader, image, f"{best:.3f}", f"{median:.3f}", f"{size / best / 1e9:.2f}", f"{size / median / 1e9:.2f}"))
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" if i < 2 else "--:" for i in range(len(header))) + "|")
for row in out:
    print("| " + " | ".join(row) + " |")
EOF
}

# Every reader of an image must have read the same bytes as vhd-spark's resolved view.
cross_check() {
  local failed=0 reader image fingerprint expected
  while IFS=$'\t' read -r reader image fingerprint; do
    expected=$(awk -F'\t' -v i="$image" '$1 == "vhd-spark resolved, heap buffer" && $2 == i {print $3}' "$FINGERPRINTS")
    if [[ $fingerprint != "$expected" ]]; then
      echo "MISMATCH: $reader read $image as $fingerprint, vhd-spark resolved as $expected"
      failed=1
    fi
  done < <(grep -v 'delta' "$FINGERPRINTS")
  if ((failed)); then
    return 1
  fi
  echo "Cross-check passed: every reader of an image returned the same fingerprint (XOR of the big-endian long"
  echo "at every 4 KiB of the disk):"
  echo
  awk -F'\t' '{print "- " $1 ", " $2 ": " $3}' "$FINGERPRINTS"
}

main() {
  CONTENTION_BEFORE=$(contention)
  build
  generate
  write_libvhdi_reader
  local bytes=$((SIZE_MIB * 1048576))

  log "vhd-spark harness: one JVM per case"
  for c in base-heap base-direct base-aligned chain-heap chain-direct chain-aligned delta-heap delta-direct; do
    harness read "$IMAGES" "$RUNS" "$c" > "$SCRATCH/java.out"
    grep -v '^#' "$SCRATCH/java.out" | cut -f1-4 >> "$RESULTS"
    grep -v '^#' "$SCRATCH/java.out" | cut -f1,2,5 >> "$FINGERPRINTS"
    grep '^#' "$SCRATCH/java.out" | sed 's/^# //' >> "$MEMORY"
  done
  log "vhd-spark harness: allocateDirect's buffer against a page-aligned one, alternated in one JVM"
  harness ab "$IMAGES" 10 base-direct base-aligned >> "$AB"
  harness ab "$IMAGES" 10 chain-direct chain-aligned >> "$AB"

  cd "$IMAGES"
  timed "qemu-img convert -O raw, to a file" base.vhd "$bytes" 'rm -f "$RAW"; sync' \
    qemu-img convert -f vpc -O raw base.vhd "$RAW"
  printf '%s\t%s\t%s\n' "qemu-img convert output (raw file)" base.vhd \
    "$("$PYTHON" "$SCRATCH/libvhdi_read.py" raw "$RAW")" >> "$FINGERPRINTS"
  rm -f "$RAW"
  timed "qemu-img convert, to null-co (discarded)" base.vhd "$bytes" : \
    qemu-img convert -n -f vpc base.vhd --target-image-opts "driver=null-co,size=$bytes"
  timed "qemu-img bench, 2 MiB reads, 1 in flight" base.vhd "$bytes" : \
    qemu-img bench -f vpc -c $((SIZE_MIB / 2)) -s 2M -d 1 base.vhd
  timed "libvhdi (pyvhdi), 1 MiB reads" base.vhd "$bytes" : \
    "$PYTHON" "$SCRATCH/libvhdi_read.py" vhd base.vhd
  timed "libvhdi (pyvhdi), 1 MiB reads" "child2.vhd (3-level chain)" "$bytes" : \
    "$PYTHON" "$SCRATCH/libvhdi_read.py" vhd child2.vhd
  cd "$ROOT"
  local contention_after
  contention_after=$(contention)

  echo "## Machine"
  echo
  echo '```'
  machine
  echo "before:      $CONTENTION_BEFORE"
  echo "after:       $contention_after"
  echo '```'
  echo
  echo "## Images"
  echo
  echo "$SIZE_MIB MiB virtual disks, 2 MiB blocks, seed $SEED; file sizes:"
  echo
  echo '```'
  (cd "$IMAGES" && ls -l --block-size=M base.vhd child1.vhd child2.vhd | awk '{print $5, $9}')
  echo '```'
  echo
  echo "## Read throughput (warm page cache; $RUNS timed runs each; GB = 10^9 bytes of virtual disk)"
  echo
  table
  echo
  echo "## Buffer alignment: 10 pairs alternated in one JVM (both sides see the same load)"
  echo
  sed 's/^/- /' "$AB"
  echo
  echo "## vhd-spark memory (JVM $JAVA_OPTS)"
  echo
  echo '```'
  cat "$MEMORY"
  echo '```'
  echo
  cross_check
}

main

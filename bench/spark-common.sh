# Sourced by the Spark benchmark scripts: the scratch folder, the build and classpath, and the lines
# that say what machine and commit the figures come from.

# Sets SCRATCH to the folder given ($1), or to a new temporary one deleted at exit.
spark_bench_scratch() {
  if [[ $# -ge 1 ]]; then
    SCRATCH=$(mkdir -p "$1" && cd "$1" && pwd)
  else
    SCRATCH=$(mktemp -d)
    trap 'rm -rf "$SCRATCH"' EXIT
  fi
}

# Builds the data source's test classes; sets CP (their classpath) and OPENS (what Spark 3.5 needs on
# Java 17: the root pom's extraJavaTestArgs). Run from the repository's root.
spark_bench_build() {
  echo "building..." >&2
  ./mvnw -B -q -pl datasource -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
  CP="datasource/target/test-classes:datasource/target/classes:$(cat datasource/target/bench.classpath)"
  OPENS=$(sed -n '/<extraJavaTestArgs>/,/<\/extraJavaTestArgs>/p' pom.xml | grep -v extraJavaTestArgs | tr -s ' \n' ' ')
}

# Prints the date, commit, machine, scratch disk and JVM options.
spark_bench_header() {
  echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git status --porcelain 2>/dev/null) ]] && echo ' (working tree modified)')"
  echo "cpu:    $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "disk:   $(df -PT "$SCRATCH" | awk 'NR == 2 {print $2 " on " $1}') ($SCRATCH)"
  echo "java:   $(java -version 2>&1 | sed -n 2p); JAVA_OPTS=$JAVA_OPTS; local[2]"
}

#!/usr/bin/env bash
# Shared by the benchmark scripts that run one Java main class of the bench module: finds
# java, builds (install -DskipTests) and resolves the class path, copies the compiled classes aside so
# another build cannot change them mid-run, and runs the class with the arguments. Source it from
# a script that has cd'd to the repository root, then call
#   run_java_bench NAME HEAP MAIN_CLASS "$@"
# or, to add JVM options or build more first, prepare_java_bench NAME [MAVEN_ARGS...] (added to
# the build, e.g. a profile), which sets bench_java, bench_cp (the class path), bench_run (the
# private copy) and bench_work (target/bench-NAME).
# BENCH_JAVA_OPTS adds JVM options. With BENCH_FORKS_EDGE=1, run_java_bench also lists media-edge's
# runtime class path and passes it (--runtime-classpath FILE, -Dbench.edgeClasses), for benchmarks
# that fork media-edge through io.mediaedge.Main as production runs it.
# share_java_bench_build (the suite calls it) exports BENCH_SHARED_BUILD: the scripts the suite
# runs then use its build and private copy instead of building again (unless they add Maven
# arguments), so every scenario of one suite run runs the same classes.

prepare_java_bench() {
  local name=$1 root
  shift
  root=$(pwd)
  bench_work="$root/target/bench-$name"
  mkdir -p "$bench_work"

  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    bench_java="$JAVA_HOME/bin/java"
  else
    bench_java=$(command -v java || true)
  fi
  if [[ -z "$bench_java" ]]; then
    echo "$name: no java found; install JDK 17+ or set JAVA_HOME" >&2
    exit 2
  fi

  if [[ -n "${BENCH_SHARED_BUILD:-}" && $# == 0 ]]; then
    echo "[bench] using the suite's build in $BENCH_SHARED_BUILD"
    bench_run=$BENCH_SHARED_BUILD
    bench_cp=$(bench_classpath "$bench_run")
    return
  fi

  echo "[bench] building (install -DskipTests) and resolving the class path ..."
  # Builds every module (the benchmarks are the bench module; they use the dev stack's launchers
  # and the server's test helpers), copies the S3 server jar and resolves the Cassandra and Kafka
  # server classpaths into target/devstack, and installs the modules into the local repository so
  # that each module's class path can be listed on its own below.
  ./mvnw -q -B "$@" -DskipTests install
  # The bench module's dependency jars; our own modules come from the private copy instead.
  ./mvnw -q -B -pl bench dependency:build-classpath -DexcludeGroupIds=io.mediaedge \
    -Dmdep.outputFile="$bench_work/classpath-bench.txt"

  # Run from a private copy of the compiled classes, so that another build recompiling (or
  # cleaning) target/ while the benchmark runs cannot pull classes from under the JVM.
  bench_run="$bench_work/run/$$"
  # shellcheck disable=SC2064
  trap "rm -rf '$bench_run'" EXIT
  mkdir -p "$bench_run"
  cp -R "$root/server/target/classes" "$bench_run/classes"
  cp -R "$root/server/target/test-classes" "$bench_run/test-classes"
  cp -R "$root/devstack/target/classes" "$bench_run/devstack-classes"
  cp -R "$root/event-schema/target/classes" "$bench_run/event-schema-classes"
  cp -R "$root/log-format/target/classes" "$bench_run/log-format-classes"
  cp -R "$root/insights/target/classes" "$bench_run/insights-classes"
  cp -R "$root/thumbnails/target/classes" "$bench_run/thumbnails-classes"
  cp -R "$root/bench/target/classes" "$bench_run/bench-classes"
  cp "$bench_work/classpath-bench.txt" "$bench_run/classpath-bench.txt"
  bench_cp=$(bench_classpath "$bench_run")
}

# The benchmark JVM's class path in a private copy: the harness, the server's test helpers and
# classes, the dev stack's launchers, the event contract, the log format, insights and the
# thumbnails worker, then the dependency jars.
bench_classpath() {
  local run=$1
  echo "$run/bench-classes:$run/test-classes:$run/classes:$run/devstack-classes:$run/event-schema-classes:$run/log-format-classes:$run/insights-classes:$run/thumbnails-classes:$(cat "$run/classpath-bench.txt")"
}

# After prepare_java_bench: sets bench_edge_cp, the file listing media-edge's runtime class path
# (media-edge runs on that only, as in production), kept in the private copy.
resolve_edge_classpath() {
  bench_edge_cp="$bench_run/classpath-runtime.txt"
  if [[ ! -f "$bench_edge_cp" ]]; then
    # The property is includeScope; -Dmdep.includeScope is silently ignored and gives the test scope.
    ./mvnw -q -B -pl server dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$bench_edge_cp"
  fi
}

# After prepare_java_bench and resolve_edge_classpath: the scripts started from here on (the
# suite's extra scenarios) use this build.
share_java_bench_build() {
  export BENCH_SHARED_BUILD="$bench_run"
}

run_java_bench() {
  local name=$1 heap=$2 main=$3
  shift 3
  prepare_java_bench "$name"
  local edge_args=()
  if [[ "${BENCH_FORKS_EDGE:-0}" == 1 ]]; then
    resolve_edge_classpath
    edge_args=(-Dbench.edgeClasses="$bench_run/classes")
    set -- --runtime-classpath "$bench_edge_cp" "$@"
  fi
  # shellcheck disable=SC2086
  "$bench_java" "-Xmx$heap" ${BENCH_JAVA_OPTS:-} "${edge_args[@]}" -Ddevstack.dir="$(pwd)/target/devstack" \
    -cp "$bench_cp" "$main" "$@"
}

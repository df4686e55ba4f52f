#!/usr/bin/env bash
# Shared by the benchmark scripts that run one Java main class from the test class path in a
# single JVM: finds java, builds (test-compile) and resolves the class path, copies the compiled
# classes aside so another build cannot change them mid-run, and runs the class with the
# arguments. Source it from a script that has cd'd to the repository root, then call
#   run_java_bench NAME HEAP MAIN_CLASS "$@"
# BENCH_JAVA_OPTS adds JVM options. With BENCH_FORKS_EDGE=1 it also lists media-edge's runtime
# class path and passes it (--runtime-classpath FILE, -Dbench.edgeClasses), for benchmarks that fork
# media-edge through io.mediaedge.Main as production runs it.

run_java_bench() {
  local name=$1 heap=$2 main=$3
  shift 3
  local root work java run cp
  root=$(pwd)
  work="$root/target/bench-$name"
  mkdir -p "$work"

  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  else
    java=$(command -v java || true)
  fi
  if [[ -z "$java" ]]; then
    echo "$name: no java found; install JDK 17+ or set JAVA_HOME" >&2
    exit 2
  fi

  echo "[bench] building (test-compile) and resolving the class path ..."
  # Compiles main and test code (the benchmarks live with the tests, next to the dev stack they
  # use), copies the S3 server jar and resolves the Cassandra and Kafka server classpaths into
  # target/devstack, and lists every dependency jar of the test scope.
  ./mvnw -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath-test.txt"

  # Run from a private copy of the compiled classes, so that another build recompiling (or
  # cleaning) target/ while the benchmark runs cannot pull classes from under the JVM.
  run="$work/run/$$"
  # shellcheck disable=SC2064
  trap "rm -rf '$run'" EXIT
  mkdir -p "$run"
  cp -R "$root/target/classes" "$run/classes"
  cp -R "$root/target/test-classes" "$run/test-classes"

  local edge_args=()
  if [[ "${BENCH_FORKS_EDGE:-0}" == 1 ]]; then
    # The property is includeScope; -Dmdep.includeScope is silently ignored and gives the test scope.
    ./mvnw -q -B dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$work/classpath-runtime.txt"
    edge_args=(-Dbench.edgeClasses="$run/classes")
    set -- --runtime-classpath "$work/classpath-runtime.txt" "$@"
  fi

  cp="$run/test-classes:$run/classes:$(cat "$work/classpath-test.txt")"
  # shellcheck disable=SC2086
  "$java" "-Xmx$heap" ${BENCH_JAVA_OPTS:-} "${edge_args[@]}" -Ddevstack.dir="$root/target/devstack" -cp "$cp" \
    "$main" "$@"
}

#!/usr/bin/env bash
# Shared by the benchmarks that fork media-edge at a small heap over the dev stack
# (large-upload.sh, resumable-upload.sh): finds java, builds (test-compile), resolves the test class
# path for the benchmark JVM and the runtime class path for media-edge, copies the compiled classes
# aside so another build cannot change them mid-run, and runs the benchmark's main class. Source it
# from a script that has cd'd to the repository root, then call
#   run_forked_edge_bench NAME WORK_DIR MAIN_CLASS "$@"

run_forked_edge_bench() {
  local name=$1 work=$2 main=$3
  shift 3
  local root java run cp
  root=$(pwd)
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

  echo "[bench] building (test-compile) and resolving class paths ..."
  # Compiles main and test code (the benchmark lives with the tests, next to the dev stack it uses),
  # copies the S3 server jar and resolves the Cassandra and Kafka server class paths into
  # target/devstack, and lists every dependency jar for this JVM.
  ./mvnw -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath-test.txt"
  # media-edge itself runs on its runtime class path only, as in production. (The property is
  # includeScope; -Dmdep.includeScope is silently ignored and would give the test scope.)
  ./mvnw -q -B dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$work/classpath-runtime.txt"

  # Run from a private copy of the compiled classes, so that another build recompiling (or
  # cleaning) target/ while the benchmark runs cannot pull classes from under the JVMs.
  run="$work/run/$$"
  # shellcheck disable=SC2064
  trap "rm -rf '$run'" EXIT
  mkdir -p "$run"
  cp -R "$root/target/classes" "$run/classes"
  cp -R "$root/target/test-classes" "$run/test-classes"

  cp="$run/test-classes:$run/classes:$(cat "$work/classpath-test.txt")"
  "$java" -Xmx256m -Ddevstack.dir="$root/target/devstack" -Dbench.edgeClasses="$run/classes" -cp "$cp" \
    "$main" --work "$work" --runtime-classpath "$work/classpath-runtime.txt" "$@"
}

#!/usr/bin/env bash
# Shared by the benchmarks that fork media-edge at a small heap over the dev stack
# (large-upload.sh, resumable-upload.sh): the build, class paths and private copy of the classes
# are java-bench.sh's (media-edge on its runtime class path only); the benchmark JVM gets 256m and
# the work directory. Source it from a script that has cd'd to the repository root, then call
#   run_forked_edge_bench NAME WORK_DIR MAIN_CLASS "$@"

source bench/java-bench.sh

run_forked_edge_bench() {
  local name=$1 work=$2 main=$3
  shift 3
  mkdir -p "$work"
  BENCH_FORKS_EDGE=1 run_java_bench "$name" 256m "$main" --work "$work" "$@"
}

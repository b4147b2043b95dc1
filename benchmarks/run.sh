#!/usr/bin/env bash
# Builds the JMH jar and runs the benchmarks whose names match the arguments (all when none).
# Example: benchmarks/run.sh DemoRenderBenchmark
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests package -pl benchmarks -am
exec java -Demo.samples="$root/samples" -jar benchmarks/target/benchmarks.jar "$@"

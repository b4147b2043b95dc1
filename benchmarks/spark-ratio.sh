#!/usr/bin/env bash
# Scale-out on one machine: N renders as Spark local-mode tasks (one ONNX Runtime thread each) against the
# same renders one after another with ONNX Runtime on every core. Prints each pass and serial/spark.
# usage: benchmarks/spark-ratio.sh [JOBS] [SECONDS_OF_VOICE] [PASSES]     (defaults 4 6 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl emo-spark -am >/dev/null
mvn -B -q test-compile -pl emo-spark >/dev/null
cd emo-spark
exec java -Xmx4g $(cat scripts/java-opens) -Dlog4j2.configurationFile=classpath:io/github/emo4j/spark/batch-log4j2.properties \
  -cp "target/test-classes:target/classes:$(cat target/batch-classpath.txt)" io.github.emo4j.spark.ScalingRatio "$@"

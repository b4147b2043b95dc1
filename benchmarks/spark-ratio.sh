#!/usr/bin/env bash
# Scale-out on one machine: N renders as Spark local-mode tasks (one ONNX Runtime thread each) against the
# same renders one after another with ONNX Runtime on every core. Prints each pass and serial/spark.
# usage: benchmarks/spark-ratio.sh [JOBS] [SECONDS_OF_VOICE] [PASSES]     (defaults 4 6 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl emo-spark -am >/dev/null
mvn -B -q test-compile -pl emo-spark >/dev/null
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
cd emo-spark
exec java -Xmx4g $opens -Dlog4j2.configurationFile=classpath:io/github/emo4j/spark/batch-log4j2.properties \
  -cp "target/test-classes:target/classes:$(cat target/batch-classpath.txt)" io.github.emo4j.spark.ScalingRatio "$@"

#!/usr/bin/env bash
# A/B timing of the demo render between two builds of the command line, alternating so that the shared
# machine's noise falls on both alike. Prints each render's wall time, the means and their ratio, and
# whether the two videos are byte-identical.
# Usage: benchmarks/ab-demo.sh OLD_CLI_JAR NEW_CLI_JAR [ROUNDS]
#   e.g. git worktree add /tmp/old HEAD~1 && (cd /tmp/old && mvn -q -DskipTests package -pl emo-examples -am)
#        benchmarks/ab-demo.sh /tmp/old/emo-examples/target/emo-cli.jar emo-examples/target/emo-cli.jar 3
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
samples="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/samples"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A sum=([old]=0 [new]=0)
for _ in $(seq 1 "$rounds"); do
  for which in old new; do
    jar=$old; [ "$which" = new ] && jar=$new
    t0=$(date +%s%N)
    java -jar "$jar" render --portrait "$samples/portrait-astronaut.png" --audio "$samples/speech-sample.wav" \
      --out "$out/$which.mp4" --quiet >/dev/null
    t=$(( ($(date +%s%N) - t0) / 1000000 ))
    sum[$which]=$(( ${sum[$which]} + t ))
    echo "$which ${t} ms"
  done
done
awk -v o="${sum[old]}" -v n="${sum[new]}" -v r="$rounds" \
  'BEGIN { printf "mean old %.2f s, new %.2f s, new/old %.3f\n", o / r / 1000, n / r / 1000, n / o }'
if cmp -s "$out/old.mp4" "$out/new.mp4"; then echo "videos byte-identical"; else echo "videos differ"; fi

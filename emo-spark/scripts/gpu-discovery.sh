#!/usr/bin/env bash
# Spark GPU discovery script for emo4j executors (spark.executor.resource.gpu.discoveryScript).
# Prints the GPUs this executor may use as Spark's ResourceInformation JSON, their CUDA ordinals as
# addresses: {"name":"gpu","addresses":["0","1"]}. emo-spark maps the address a task is given to
# ExecutionProvider.cuda(address). Honours CUDA_VISIBLE_DEVICES when a cluster manager sets it
# (the ordinals are then 0..n-1 of the visible devices, as CUDA numbers them).
set -euo pipefail
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  n=$(printf '%s' "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | grep -c .)
  ids=$(seq 0 $((n - 1)))
elif command -v nvidia-smi >/dev/null 2>&1; then
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader)
else
  ids=""
fi
printf '{"name":"gpu","addresses":['
sep=""
for id in $ids; do
  printf '%s"%s"' "$sep" "$(printf '%s' "$id" | tr -d '[:space:]')"
  sep=","
done
printf ']}\n'

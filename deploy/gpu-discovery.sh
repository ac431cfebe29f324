#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this machine as Spark's resource JSON, for example
#   {"name": "gpu", "addresses": ["0", "1"]}
# Point spark.worker.resource.gpu.discoveryScript (standalone) or
# spark.executor.resource.gpu.discoveryScript (Kubernetes, YARN) at it. The addresses are the
# indexes nvidia-smi reports, which are the CUDA device numbers when CUDA_DEVICE_ORDER=PCI_BUS_ID;
# with CUDA_VISIBLE_DEVICES set, only the visible GPUs are listed, renumbered from 0 as CUDA does.
set -euo pipefail

if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found; install the NVIDIA driver or do not request GPUs" >&2
  exit 1
fi

if ! indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed: $indexes" >&2
  exit 1
fi

addresses=()
while read -r index; do
  [[ -n "$index" ]] && addresses+=("$index")
done <<< "$indexes"

# CUDA renumbers the devices listed in CUDA_VISIBLE_DEVICES from 0; Spark's addresses must match.
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  addresses=()
  for i in "${!visible[@]}"; do
    addresses+=("$i")
  done
fi

json=""
for address in "${addresses[@]}"; do
  json+="${json:+, }\"$address\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$json]}"

#!/usr/bin/env bash
# The embed job on Kubernetes with plain spark-submit (no operator), through deploy/sparkformers-submit.sh.
# Usage: deploy/kubernetes/spark-submit-k8s.sh K8S_API_URL IMAGE INPUT OUTPUT [--gpu]
#   deploy/kubernetes/spark-submit-k8s.sh https://kubernetes.example:6443 registry.example/sparkformers:0.1.0 \
#     s3a://example-bucket/corpus/ s3a://example-bucket/embeddings/
# With --gpu, PYTORCH_LIBRARY_PATH (default /opt/libtorch/lib), PYTORCH_FLAVOR (default cu128) and
# PYTORCH_VERSION (default 2.7.1) name the CUDA build of libtorch in the image.
set -euo pipefail

if [[ $# -lt 4 ]]; then
  echo "usage: $0 K8S_API_URL IMAGE INPUT OUTPUT [--gpu]" >&2
  exit 2
fi
api="$1" image="$2" input="$3" output="$4"
gpu_options=()
device=auto
if [[ "${5:-}" == "--gpu" ]]; then
  gpu_options=(
    --conf spark.executor.resource.gpu.amount=1
    --conf spark.executor.resource.gpu.vendor=nvidia.com
    --conf spark.executor.resource.gpu.discoveryScript=/opt/sparkformers/gpu-discovery.sh
    --conf spark.task.resource.gpu.amount=1
    --conf spark.executor.cores=1
    # A CUDA build of libtorch 2.7.1 in the image; see "CUDA native libraries" in docs/deployment.md.
    --conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=${PYTORCH_LIBRARY_PATH:-/opt/libtorch/lib}"
    --conf "spark.executorEnv.PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu128}"
    --conf "spark.executorEnv.PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1}"
  )
  device=gpu
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SPARKFORMERS_JAR="local:///opt/sparkformers/sparkformers.jar" exec "$here/../sparkformers-submit.sh" \
  --master "k8s://$api" \
  --deploy-mode cluster \
  --name sparkformers-embed \
  --conf spark.kubernetes.container.image="$image" \
  --conf spark.kubernetes.namespace=spark-jobs \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.executor.instances=4 \
  --conf spark.executor.memory=4g \
  --conf spark.executor.memoryOverhead=2g \
  --conf spark.executorEnv.SPARKFORMERS_CACHE_DIR=/var/cache/sparkformers \
  --properties-file "$here/../conf/spark-defaults.conf" \
  "${gpu_options[@]}" \
  -- embed --input "$input" --output "$output" --mode overwrite --device "$device"

#!/usr/bin/env bash
# Submits a Sparkformers command to GPU executors: deploy/sparkformers-submit.sh plus Spark's GPU
# scheduling (one GPU per task), --device gpu, and the environment that points DJL's PyTorch engine
# at a CUDA build of libtorch on every executor.
#
# Usage: deploy/sparkformers-submit-gpu.sh [spark-submit options] -- COMMAND [command options]
#   PYTORCH_LIBRARY_PATH=/opt/libtorch/lib deploy/sparkformers-submit-gpu.sh --master spark://master:7077 \
#     --properties-file deploy/conf/spark-defaults.conf \
#     -- embed --input s3a://bucket/corpus/ --output s3a://bucket/embeddings/ --dtype float16
#
# Environment (besides that of sparkformers-submit.sh); paths are paths on the executor hosts:
#   PYTORCH_LIBRARY_PATH   directory with libtorch.so of a CUDA build of libtorch 2.7.1
#   ENGINE_CACHE_DIR       or: DJL's engine cache, prepared with pytorch/2.7.1-<flavor>-linux-x86_64/
#                          (one of the two is required; see "CUDA native libraries" in docs/deployment.md)
#   PYTORCH_FLAVOR         CUDA flavour of the libtorch build (default cu128, the flavour of DJL 0.36's JNI)
#   PYTORCH_VERSION        PyTorch version of the build (default 2.7.1, the version DJL 0.36 is built for)
#   GPUS_PER_EXECUTOR      spark.executor.resource.gpu.amount (default 1); each task takes one GPU
#   GPU_DISCOVERY_SCRIPT   spark.executor.resource.gpu.discoveryScript (default: deploy/gpu-discovery.sh
#                          of this checkout, which must exist at the same path on the executor hosts)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

library_path="${PYTORCH_LIBRARY_PATH:-}"
engine_cache="${ENGINE_CACHE_DIR:-}"
if [[ -z "$library_path" && -z "$engine_cache" ]]; then
  echo "sparkformers-submit-gpu.sh: set PYTORCH_LIBRARY_PATH (libtorch's lib directory of a CUDA build) or" \
    "ENGINE_CACHE_DIR (a prepared DJL engine cache) for the executors; the -spark jar bundles only the CPU" \
    "build of PyTorch, which cannot use GPUs. See 'CUDA native libraries' in docs/deployment.md" >&2
  exit 2
fi
flavor="${PYTORCH_FLAVOR:-cu128}"
version="${PYTORCH_VERSION:-2.7.1}"
gpus="${GPUS_PER_EXECUTOR:-1}"
if ! [[ "$gpus" =~ ^[1-9][0-9]*$ ]]; then
  echo "sparkformers-submit-gpu.sh: GPUS_PER_EXECUTOR must be a positive integer, but is '$gpus'" >&2
  exit 2
fi
discovery="${GPU_DISCOVERY_SCRIPT:-$here/gpu-discovery.sh}"

submit_options=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  submit_options+=("$1")
  shift
done
if [[ $# -eq 0 ]]; then
  echo "sparkformers-submit-gpu.sh: missing '--' before the Sparkformers command; see the usage at the top" \
    "of $0" >&2
  exit 2
fi
shift

# --device gpu makes a task without a GPU fail instead of running on the CPU; a --device option of
# the caller wins, since picocli rejects an option given twice.
command_args=("$@")
has_device=false
for arg in "${command_args[@]}"; do
  if [[ "$arg" == "--device" || "$arg" == --device=* ]]; then
    has_device=true
  fi
done
if [[ "$has_device" == false ]]; then
  command_args+=(--device gpu)
fi

# executor.cores equal to the GPU count keeps every running task on a GPU of its own.
gpu_options=(
  --conf "spark.executor.resource.gpu.amount=$gpus"
  --conf "spark.executor.resource.gpu.discoveryScript=$discovery"
  --conf "spark.task.resource.gpu.amount=1"
  --conf "spark.executor.cores=$gpus"
  --conf "spark.executorEnv.PYTORCH_FLAVOR=$flavor"
  --conf "spark.executorEnv.PYTORCH_VERSION=$version"
)
if [[ -n "$library_path" ]]; then
  gpu_options+=(--conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=$library_path")
fi
if [[ -n "$engine_cache" ]]; then
  gpu_options+=(--conf "spark.executorEnv.ENGINE_CACHE_DIR=$engine_cache")
fi

# Options given by the caller come after these, so a --conf of the caller overrides a default here.
exec "$here/sparkformers-submit.sh" "${gpu_options[@]}" "${submit_options[@]}" -- "${command_args[@]}"

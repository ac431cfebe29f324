#!/usr/bin/env bash
# Submits a Sparkformers command to a Spark cluster with spark-submit, adding what every Sparkformers
# JVM needs: the main class, DJL offline on the driver and executors, and the model cache directory.
#
# Usage: deploy/sparkformers-submit.sh [spark-submit options] -- COMMAND [command options]
#   deploy/sparkformers-submit.sh --master spark://master:7077 --properties-file deploy/conf/spark-defaults.conf \
#     -- embed --input s3a://bucket/corpus/ --input-format parquet --output s3a://bucket/embeddings/
#
# Environment:
#   SPARK_HOME               Spark installation whose bin/spark-submit runs (required)
#   SPARKFORMERS_JAR         the -spark jar (default: jobs/target/sparkformers-jobs-*-spark.jar of this checkout)
#   SPARKFORMERS_CACHE_DIR   executors' model cache on local disk (default: ~/.cache/sparkformers of the executor user)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -z "${SPARK_HOME:-}" || ! -x "$SPARK_HOME/bin/spark-submit" ]]; then
  echo "sparkformers-submit.sh: set SPARK_HOME to a Spark installation with bin/spark-submit" \
    "(SPARK_HOME is '${SPARK_HOME:-}')" >&2
  exit 2
fi

jar="${SPARKFORMERS_JAR:-}"
if [[ -z "$jar" ]]; then
  jar="$(ls "$root"/jobs/target/sparkformers-jobs-*-spark.jar 2>/dev/null | head -n 1 || true)"
fi
# A URI such as local:///opt/sparkformers/sparkformers.jar names a jar inside the cluster's image.
if [[ -z "$jar" || ( "$jar" != *://* && ! -f "$jar" ) ]]; then
  echo "sparkformers-submit.sh: no -spark jar found at '$jar'; run 'mvn -DskipTests package' or set" \
    "SPARKFORMERS_JAR" >&2
  exit 2
fi

submit_options=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  submit_options+=("$1")
  shift
done
if [[ $# -eq 0 ]]; then
  echo "sparkformers-submit.sh: missing '--' before the Sparkformers command; see the usage at the top of $0" >&2
  exit 2
fi
shift

# Spark rejects executor Java options that contain "-Dspark", so the cache directory travels as an
# environment variable instead of -Dsparkformers.cache.dir. A --conf spark.executor.extraJavaOptions
# among the options replaces the offline flag below; the jobs add it back when they start Spark.
cache_options=()
if [[ -n "${SPARKFORMERS_CACHE_DIR:-}" ]]; then
  cache_options=(--conf "spark.executorEnv.SPARKFORMERS_CACHE_DIR=$SPARKFORMERS_CACHE_DIR")
fi

exec "$SPARK_HOME/bin/spark-submit" \
  --class dev.sparkformers.jobs.SparkformersCommand \
  --driver-java-options "-Dai.djl.offline=true" \
  --conf "spark.executor.extraJavaOptions=-Dai.djl.offline=true" \
  "${cache_options[@]}" \
  "${submit_options[@]}" \
  "$jar" "$@"

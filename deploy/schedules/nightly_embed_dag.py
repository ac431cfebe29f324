"""Airflow DAG: nightly incremental embedding with spark-submit.

Each run embeds only new, changed and previously failed documents and moves the CURRENT pointer of
the state directory when, and only when, the new snapshot is complete. max_active_runs=1 keeps two
runs from writing the same state directory.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

with DAG(
    dag_id="sparkformers_nightly_embed",
    schedule="15 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=15)},
) as dag:
    SparkSubmitOperator(
        task_id="embed_incremental",
        application="/opt/sparkformers/sparkformers-jobs-0.1.0-SNAPSHOT-spark.jar",
        java_class="dev.sparkformers.jobs.SparkformersCommand",
        conf={
            "spark.driver.extraJavaOptions": "-Dai.djl.offline=true",
            "spark.executor.extraJavaOptions": "-Dai.djl.offline=true",
        },
        application_args=[
            "embed", "--incremental",
            "--state", "s3a://corpora/glosses-state",
            "--input", "s3a://corpora/glosses/", "--input-format", "json",
            "--version-col", "updated_at",
        ],
    )

"""Nightly retraining of adapterforge's LoRA adapters: prepare -> train -> evaluate -> publish.

Each task is a spark-submit of the shaded jar (``jobs/target/adapterforge.jar``) running the
``adapterforge`` CLI. The four tasks share one run id, derived from Airflow's ``run_id`` and passed
as ``--set run-id=...``, and one run folder ``<work_root>/runs/<run id>/`` holding ``prepared/``,
``adapters/`` and ``evaluation/``; a task retried or a run cleared from a later task resumes from
the folders the earlier tasks wrote.

Setup on the Airflow side:
  * apache-airflow-providers-apache-spark installed;
  * a Spark connection (``SPARK_CONN_ID``, default ``spark_default``) whose host is the master
    (``spark://host:7077``, ``yarn``, ``k8s://...``);
  * the jar where every worker can read it: Airflow Variable ``adapterforge_jar``, default
    ``DEFAULT_JAR``.

Trigger by hand with ``./adapterforge airflow trigger --dag adapter_retraining --conf '{...}'``;
``--conf`` takes the params below (``{"tenants": ["banking"]}``).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

try:  # Airflow 3
    from airflow.sdk import DAG, Param
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models.param import Param

DAG_ID = "adapter_retraining"
MAIN_CLASS = "io.adapterforge.cli.AdapterforgeCli"
SPARK_CONN_ID = "spark_default"
DEFAULT_JAR = "/opt/adapterforge/adapterforge.jar"
JAR = "{{ var.value.get('adapterforge_jar', '" + DEFAULT_JAR + "') }}"

# Airflow's run ids (scheduled__2025-01-01T02:00:00+00:00) hold ':' and '+', which Hadoop paths
# and adapterforge's run ids do not allow.
RUN_ID = "{{ run_id | replace(':', '-') | replace('+', '_') }}"
RUN_DIR = "{{ params.work_root }}/runs/" + RUN_ID
PREPARED_DIR = RUN_DIR + "/prepared"
ADAPTERS_DIR = RUN_DIR + "/adapters"
EVALUATION_DIR = RUN_DIR + "/evaluation"
CONFIG_FILE = "{{ params.config_file }}"
INPUT_PATH = "{{ params.input_path }}"
BASE_MODEL = "{{ params.base_model_uri }}"
# Empty (no tenants chosen) trains every adapter found in the prepared data.
TENANTS = "{{ params.tenants | join(',') }}"

# Flags every stage takes: the config file and the shared run id.
COMMON_ARGS = ["--conf", CONFIG_FILE, "--set", "run-id=" + RUN_ID]

# Nothing downloads at run time: DJL runs offline on the libtorch it ships with. env_vars reach
# the spark-submit process (the driver in client mode; the hook copies them to the driver in YARN
# and Kubernetes cluster mode); the executors get theirs through spark.executorEnv.
ENV_VARS = {"DJL_OFFLINE": "true"}
# Spark properties for every stage. Cluster sizing and the Java 17 --add-opens flags belong to the
# cluster's spark-defaults.conf or the Spark connection, which these do not override.
SPARK_CONF = {
    "spark.executorEnv.DJL_OFFLINE": "true",
    "spark.sql.shuffle.partitions": "64",
}
RETRIES = 2
RETRY_DELAY = timedelta(minutes=10)

with DAG(
    dag_id=DAG_ID,
    description="Nightly LoRA adapter retraining: prepare, train, evaluate, publish",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["adapterforge"],
    params={
        "tenants": Param(
            [],
            type="array",
            items={"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$"},
            description="Adapter ids to train; empty trains them all.",
        ),
        "config_file": Param(
            "/opt/adapterforge/conf/cluster.conf",
            type="string",
            description="HOCON config passed as --conf.",
        ),
        "input_path": Param(
            "hdfs:///data/adapterforge/corpus",
            type="string",
            description="Root of the raw JSONL corpora (corpus/<adapter_id>/*.jsonl).",
        ),
        "base_model_uri": Param(
            "hdfs:///models/base",
            type="string",
            description="The frozen base model (a Hugging Face model folder).",
        ),
        "work_root": Param(
            "/srv/adapterforge/work",
            type="string",
            description=(
                "Root of the run folders: <work_root>/runs/<run id>/. A path every executor"
                " and the driver see alike (a shared mount): train writes adapters and"
                " checkpoints there."
            ),
        ),
    },
) as dag:
    prepare = SparkSubmitOperator(
        task_id="prepare",
        application=JAR,
        java_class=MAIN_CLASS,
        conn_id=SPARK_CONN_ID,
        conf=SPARK_CONF,
        env_vars=ENV_VARS,
        retries=RETRIES,
        retry_delay=RETRY_DELAY,
        application_args=[
            "prepare",
            "--input", INPUT_PATH,
            "--base-model", BASE_MODEL,
            "--output", PREPARED_DIR,
        ] + COMMON_ARGS,
    )

    train = SparkSubmitOperator(
        task_id="train",
        application=JAR,
        java_class=MAIN_CLASS,
        conn_id=SPARK_CONN_ID,
        conf=SPARK_CONF,
        env_vars=ENV_VARS,
        retries=RETRIES,
        retry_delay=RETRY_DELAY,
        application_args=[
            "train",
            "--prepared", PREPARED_DIR,
            "--base-model", BASE_MODEL,
            "--output", ADAPTERS_DIR,
            "--adapters", TENANTS,
        ] + COMMON_ARGS,
    )

    evaluate = SparkSubmitOperator(
        task_id="evaluate",
        application=JAR,
        java_class=MAIN_CLASS,
        conn_id=SPARK_CONN_ID,
        conf=SPARK_CONF,
        env_vars=ENV_VARS,
        retries=RETRIES,
        retry_delay=RETRY_DELAY,
        application_args=[
            "evaluate",
            "--prepared", PREPARED_DIR,
            "--adapters", ADAPTERS_DIR,
            "--base-model", BASE_MODEL,
            "--output", EVALUATION_DIR,
        ] + COMMON_ARGS,
    )

    publish = SparkSubmitOperator(
        task_id="publish",
        application=JAR,
        java_class=MAIN_CLASS,
        conn_id=SPARK_CONN_ID,
        conf=SPARK_CONF,
        env_vars=ENV_VARS,
        retries=RETRIES,
        retry_delay=RETRY_DELAY,
        application_args=["publish", "--evaluation", EVALUATION_DIR] + COMMON_ARGS,
    )

    prepare >> train >> evaluate >> publish

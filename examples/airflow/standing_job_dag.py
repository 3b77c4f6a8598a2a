"""Run a standing job with Airflow's own GlueJobOperator: no launcher in the path (docs/standing-files.md).

The job's DefaultArguments name its standing requirements file, which glue-launcher's refresher rewrites with a
fresh CodeArtifact token every StandingRefreshMinutes. So the Amazon provider's GlueJobOperator starts it as it
starts any job, and waits for the run to end; the DAG passes no index URL and no token, and needs no
permission on the launcher. The Airflow connection (aws_default) needs glue:StartJobRun and glue:GetJobRun on the job.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.amazon.aws.operators.glue import GlueJobOperator

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.10
    from airflow.models.dag import DAG

JOB_NAME = "orders-etl"  # one of the launcher's StandingJobNames

with DAG(
    dag_id="standing_orders_etl",
    schedule="0 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    tags=["glue", "codeartifact"],
) as dag:
    # The job's own arguments only: its pip reads the standing file its DefaultArguments name.
    run = GlueJobOperator(
        task_id="run_orders_etl",
        job_name=JOB_NAME,
        script_args={"--run-date": "{{ ds }}"},
        wait_for_completion=True,
    )

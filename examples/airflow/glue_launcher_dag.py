"""Launch a Glue job through glue-launcher (fresh CodeArtifact token), then wait for its run to end.

Written as the Amazon provider's own examples are (apache-airflow-providers-amazon: example_lambda.py and
example_glue.py): LambdaInvokeFunctionOperator invokes the launcher, GlueJobSensor waits on the run id it returns.
The Airflow connection (aws_default) needs lambda:InvokeFunction on the launcher and glue:GetJobRun on the job.
A retry of the launch task sends the same idempotency key, so it returns the run that already started instead of
starting another. A launcher error (JobNotAllowed, InvalidRequest, ...) fails the task with its one-sentence reason.
"""

from __future__ import annotations

import json
from datetime import datetime

from airflow.providers.amazon.aws.operators.lambda_function import LambdaInvokeFunctionOperator
from airflow.providers.amazon.aws.sensors.glue import GlueJobSensor

try:  # Airflow 3
    from airflow.sdk import DAG, chain, task
except ImportError:  # Airflow 2.10
    from airflow.decorators import task
    from airflow.models.baseoperator import chain
    from airflow.models.dag import DAG

GLUE_LAUNCHER = "glue-launcher-glue-launcher"  # the launcher stack's FunctionName output
JOB_NAME = "nightly-etl"  # one of the launcher's AllowedJobNames; the request and the sensor both name it

# The launch request (docs/events.md); Airflow renders its Jinja per run. No timeout field: the job's own Timeout
# applies (set one only to cap this DAG's runs below the job's).
LAUNCH_REQUEST = {
    "jobName": JOB_NAME,
    "arguments": {"--run-date": "{{ ds }}"},
    "idempotencyKey": "{{ dag.dag_id }}:{{ run_id }}",
}


@task
def job_run_id(launch_result: str) -> str:
    """The run the launcher started (or found already started), from its result."""
    return json.loads(launch_result)["jobRunId"]


with DAG(
    dag_id="glue_launcher_nightly_etl",
    schedule="0 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    tags=["glue", "codeartifact"],
) as dag:
    launch = LambdaInvokeFunctionOperator(
        task_id="launch",
        function_name=GLUE_LAUNCHER,
        payload=json.dumps(LAUNCH_REQUEST),
        retries=2,
    )

    wait_for_run = GlueJobSensor(
        task_id="wait_for_run",
        job_name=JOB_NAME,
        run_id=job_run_id(launch.output),
        poke_interval=60,
        mode="reschedule",
    )

    chain(launch, wait_for_run)

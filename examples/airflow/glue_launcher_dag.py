"""Launch a Glue job through glue-launcher (fresh CodeArtifact token), then wait for the run to end.

Needs apache-airflow-providers-amazon. The Airflow connection (aws_default) needs lambda:InvokeFunction on
the launcher and glue:GetJobRun on the job. A retry of the launch task sends the same idempotency key, so it
returns the run that already started instead of starting another.
"""

import json
from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.providers.amazon.aws.operators.lambda_function import LambdaInvokeFunctionOperator
from airflow.providers.amazon.aws.sensors.glue import GlueJobSensor

GLUE_LAUNCHER = "glue-launcher-glue-launcher"  # the stack's FunctionName output

# The launch request (glue-launcher's event schema); Airflow renders the Jinja in it per run. No "timeout": the
# job's own Timeout applies (set one here only to cap this DAG's runs below the job's).
LAUNCH_REQUEST = {
    "jobName": "nightly-etl",
    "arguments": {"--run-date": "{{ ds }}"},
    "idempotencyKey": "{{ dag.dag_id }}:{{ run_id }}",
}

with DAG(
    dag_id="glue_launcher_nightly_etl",
    schedule="0 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    tags=["glue", "codeartifact"],
) as dag:
    job_name = LAUNCH_REQUEST["jobName"]
    launch = LambdaInvokeFunctionOperator(
        task_id="launch",
        function_name=GLUE_LAUNCHER,
        payload=json.dumps(LAUNCH_REQUEST),
        # A named error (InvalidRequest, JobNotFound, ...) fails the task with the launcher's one-sentence reason.
        retries=2,
    )

    @task
    def job_run_id(result: str) -> str:
        return json.loads(result)["jobRunId"]

    wait = GlueJobSensor(
        task_id="wait_for_run",
        job_name=job_name,
        run_id=job_run_id(launch.output),
        poke_interval=60,
        mode="reschedule",
    )

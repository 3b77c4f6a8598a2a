#!/usr/bin/env bash
# An EventBridge Scheduler schedule that launches a Glue job every night at 02:00 (Europe/Paris) through
# glue-launcher. The template can create one for GlueJobName (ScheduleExpression parameter); this is how to
# add more, one per job. The key is the schedule's ARN and the occurrence's scheduled time, the same on every
# retry of one occurrence, so a redelivery cannot start a second run (not the execution id: Scheduler gives a new
# one to each attempt). Scheduler invokes the launcher as the stack's SchedulerRole (its SchedulerRoleArn
# output: lambda:InvokeFunction on the launcher, sqs:SendMessage to the failed-launches queue); set
# SCHEDULER_ROLE_ARN to use a role of your own instead. Needs the AWS CLI and jq.
#   usage: create-schedule.sh STACK_NAME JOB_NAME
set -euo pipefail
stack=${1:?stack name}
job=${2:?glue job name}
output() { aws cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }
function_arn=$(output FunctionArn)
queue_arn=$(output FailedLaunchesQueueArn)
role_arn=${SCHEDULER_ROLE_ARN:-$(output SchedulerRoleArn)}
input=$(sed "s/nightly-etl/$job/" "$(dirname "$0")/schedule-input.json" | tr -d '\n')

aws scheduler create-schedule \
  --name "launch-$job" \
  --schedule-expression 'cron(0 2 * * ? *)' \
  --schedule-expression-timezone Europe/Paris \
  --flexible-time-window Mode=OFF \
  --target "$(jq -n --arg arn "$function_arn" --arg role "$role_arn" --arg input "$input" --arg dlq "$queue_arn" \
    '{Arn: $arn, RoleArn: $role, Input: $input, RetryPolicy: {MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600}, DeadLetterConfig: {Arn: $dlq}}')"

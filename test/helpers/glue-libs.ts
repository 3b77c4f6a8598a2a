/**
 * What `getResolvedOptions` registers before a script's own options (awslabs/aws-glue-libs, awsglue/utils.py and
 * awsglue/job.py), beside argparse's own `--help`: read from that source, not from src/, so that the tests hold the
 * launcher's list (src/boundary/glue-parameters.ts REGISTERED_BY_SCRIPTS) to it. The integration test runs the
 * machine's argparse with exactly these.
 */
export const REGISTERED_BY_GLUE_LIBS: readonly string[] = [
  '--job-bookmark-option',
  '--continuation-option',
  '--job-bookmark-from',
  '--job-bookmark-to',
  '--JOB_NAME',
  '--JOB_ID',
  '--JOB_RUN_ID',
  '--SECURITY_CONFIGURATION',
  '--encryption-type',
  '--enable-data-lineage',
  '--RedshiftTempDir',
  '--TempDir',
  '--help',
];

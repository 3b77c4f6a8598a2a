/**
 * The parameters Glue reads itself, which `ALLOWED_RUN_ARGUMENTS=safe` refuses: a caller may set the job's own
 * arguments (the keys its script reads), never one that chooses the run's code, its dependencies, where it writes
 * its temporary data, event logs and logs, how it is secured, or Glue's internals.
 *
 * Source: AWS Glue Developer Guide, "Using job parameters in AWS Glue jobs"
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html), its job parameter
 * reference and its list of "argument names that AWS Glue uses internally that you should never set"; Ray's
 * parameters from "Using job parameters in Ray jobs". And the options every Glue script's own argument parser
 * registers (`getResolvedOptions` in awslabs/aws-glue-libs, awsglue/utils.py and awsglue/job.py), which the page
 * leaves out: `--continuation-option` (read as the bookmark option), `--RedshiftTempDir` (read as `--TempDir`),
 * `--SECURITY_CONFIGURATION`, and argparse's own `--help` (which ends the script before it runs). The page grows: the families below (a prefix each) refuse a parameter AWS adds to a
 * family before this list names it. docs/argument-policy.md shows both tables.
 */
export const GLUE_PARAMETERS: readonly string[] = [
  '--additional-python-modules',
  '--auto-scale-within-microbatch',
  '--class',
  '--conf',
  '--continuation-option',
  '--continuous-log-conversionPattern',
  '--continuous-log-logGroup',
  '--continuous-log-logStreamPrefix',
  '--customer-driver-env-vars',
  '--customer-executor-env-vars',
  '--datalake-formats',
  '--debug',
  '--disable-proxy-v2',
  '--enable-auto-scaling',
  '--enable-continuous-cloudwatch-log',
  '--enable-continuous-log-filter',
  '--enable-glue-datacatalog',
  '--enable-job-insights',
  '--enable-lakeformation-fine-grained-access',
  '--enable-metrics',
  '--enable-observability-metrics',
  '--enable-rename-algorithm-v2',
  '--enable-s3-parquet-optimized-committer',
  '--enable-spark-ui',
  '--encryption-type',
  '--executor-cores',
  '--extra-files',
  '--extra-jars',
  '--extra-py-files',
  '--help',
  '--job-bookmark-option',
  '--job-language',
  '--JOB_ID',
  '--JOB_NAME',
  '--JOB_RUN_ID',
  '--mode',
  '--pip-install',
  '--python-modules-installer-option',
  '--python-virtual-env',
  '--python-virtual-env-storage-prefix',
  '--RedshiftTempDir',
  '--s3-py-modules',
  '--scriptLocation',
  '--SECURITY_CONFIGURATION',
  '--spark-event-logs-path',
  '--TempDir',
  '--use-postgres-driver',
  '--user-jars-first',
  '--working-dir',
  '--write-shuffle-files-to-s3',
  '--write-shuffle-spills-to-s3',
];

/** The families of Glue's parameters: every key that starts so is Glue's, whether or not the list names it yet. */
export const GLUE_PREFIXES: readonly string[] = [
  '--additional-',
  '--auto-scale',
  '--continuous-log-',
  '--customer-',
  '--datalake-',
  '--enable-',
  '--executor-',
  '--extra-',
  '--job-',
  '--job_',
  '--python-',
  '--spark-',
  '--write-shuffle-',
];

const NAMES: ReadonlySet<string> = new Set(GLUE_PARAMETERS.map((key) => key.toLowerCase()));
const READ_BY_GLUE = [...GLUE_PARAMETERS, ...GLUE_PREFIXES].map((name) => name.toLowerCase());

/**
 * The Glue parameter (or family) a key abbreviates, if any. Every Glue script reads its arguments with Python's
 * argparse (awsglue.utils.getResolvedOptions), which takes a unique prefix of an option for the option: there
 * `--Temp s3://elsewhere` sets `--TempDir`. Compared without case, as the names are.
 */
export const abbreviatedParameter = (key: string): string | undefined => {
  const lower = key.toLowerCase();
  const index = READ_BY_GLUE.findIndex((name) => name !== lower && name.startsWith(lower));
  return index === -1 ? undefined : [...GLUE_PARAMETERS, ...GLUE_PREFIXES][index];
};

/**
 * Whether Glue reads this key itself, by name, by family or as an abbreviation: compared without case, as a key
 * that differs by case alone is refused too.
 */
export const isGlueParameter = (key: string): boolean => {
  const lower = key.toLowerCase();
  return (
    NAMES.has(lower) ||
    GLUE_PREFIXES.some((prefix) => lower.startsWith(prefix)) ||
    abbreviatedParameter(key) !== undefined
  );
};

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
  '--python-',
  '--spark-',
  '--write-shuffle-',
];

/**
 * What every Glue script's argument parser registers before the script's own options (`getResolvedOptions` in
 * awslabs/aws-glue-libs, awsglue/utils.py and awsglue/job.py, Glue 0.9 to 6.0), `--JOB_NAME`, which nearly every
 * script asks for (`getResolvedOptions(sys.argv, ['JOB_NAME'])`), and argparse's own `--help`. Up to
 * Glue 5.0 that parser takes a unique prefix of one of these for it (`--Temp` is `--TempDir`); from Glue 6.0 it takes
 * none (`allow_abbrev=False`, aws-glue-libs commit a9e087b). A prefix of any other key is nothing to it: `--user`
 * and `--data` are a script's own keys, not `--user-jars-first` and `--datalake-formats`.
 */
export const REGISTERED_BY_SCRIPTS: readonly string[] = [
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

const NAMES: ReadonlySet<string> = new Set(GLUE_PARAMETERS.map((key) => key.toLowerCase()));

/**
 * The option of a script's parser a key abbreviates, if any: argparse's prefix matching, which is case-sensitive,
 * over what the parser registers.
 */
export function abbreviatedParameter(key: string): string | undefined {
  return REGISTERED_BY_SCRIPTS.find((name) => name !== key && name.startsWith(key));
}

/** The Glue parameter or family this key is, compared without case, as a key differing by case alone is refused too. */
export function glueParameterOf(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (NAMES.has(lower)) return GLUE_PARAMETERS.find((name) => name.toLowerCase() === lower);
  const family = GLUE_PREFIXES.find((prefix) => lower.startsWith(prefix));
  return family === undefined ? undefined : `${family}*`;
}

/** Whether Glue reads this key itself: by name, by family, or as an abbreviation a script's parser reads. */
export function isGlueParameter(key: string): boolean {
  return glueParameterOf(key) !== undefined || abbreviatedParameter(key) !== undefined;
}

/** A key of the job's own that neither Glue nor a script's parser reads as theirs, for a refusal to suggest. */
export function ownKeyFor(key: string): string {
  return `--my_${key.replace(/^[-_]+/, '')}`;
}

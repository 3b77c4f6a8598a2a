import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { devNull, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What Glue does at a run's start. A Spark job: `pip3 install <installer option words> <additional modules>`. A
 * Python shell job: `pip3 install <the words of --additional-python-modules>`, which may hold pip options of its
 * own (AWS: "scikit-learn==0.21.3 -i https://..."); its installer option is not read.
 * `pip` runs real pip into a throw-away target; `check` only asks the index for each module with the run's
 * credentials (same verdict on the token, a fraction of the cost, for tests that start many runs). `none`
 * installs nothing and succeeds: for the benchmark, where runs must not compete with what is measured.
 */
export type InstallMode = 'pip' | 'check' | 'none';

/**
 * How a Python shell job's modules value becomes pip calls, which AWS does not document: one pip for the whole
 * value (split at commas and spaces), or one pip per comma-separated item (each split at spaces). The launcher's
 * value must install from its index alone either way; the integration tests run both.
 */
export type ShellReading = 'one-pip' | 'pip-per-item';

/**
 * How Glue hands a Spark job's installer option to pip, which AWS does not document: split at spaces into words, or
 * as one argument (pip then reads `--prefer-binary -r` as one word). The launcher's file delivery sends exactly `-r`,
 * the same under both.
 */
export type OptionSplit = 'spaces' | 'one-argument';

/**
 * When Glue reads `--additional-python-modules` as a requirements file to download, which AWS documents only for an
 * installer option of exactly `-r`: exactly then, or whenever the option ends with `-r`.
 */
export type RequirementsMode = 'exact-r' | 'trailing-r';

export interface InstallOutcome {
  readonly ok: boolean;
  /** `name-version` of each installed distribution, from pip's "Successfully installed" line. */
  readonly installed: readonly string[];
  /** pip's own last words on failure. */
  readonly message: string;
  readonly output: string;
}

const MODULES = '--additional-python-modules';
const OPTIONS = '--python-modules-installer-option';

const splitWords = (value: string | undefined) => (value ?? '').split(/\s+/).filter((w) => w.length > 0);

export class ModuleInstaller {
  private readonly children = new Set<ChildProcess>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  /** How Python shell values are read (see ShellReading); tests switch it. */
  shellReading: ShellReading = 'one-pip';
  /** How the installer option reaches pip (see OptionSplit); tests switch it. */
  optionSplit: OptionSplit = 'spaces';
  /** When a requirements file is read (see RequirementsMode); tests switch it. */
  requirementsMode: RequirementsMode = 'trailing-r';

  constructor(
    readonly mode: InstallMode,
    /** The bytes of an S3 object, as a run downloads a requirements file named by its modules value. */
    private readonly download: (uri: string) => Buffer | undefined = () => undefined,
    private readonly maxParallel = 2,
  ) {}

  async install(args: Readonly<Record<string, string>>, command = 'glueetl'): Promise<InstallOutcome> {
    if (this.mode === 'none') return { ok: true, installed: [], message: '', output: '' };
    if (command === 'pythonshell' && this.shellReading === 'pip-per-item') {
      // One pip per item, in order; the run fails at the first that fails, as a sequence of installs would.
      const items = (args[MODULES] ?? '').split(',').filter((item) => item.trim().length > 0);
      const outcomes: InstallOutcome[] = [];
      for (const item of items) {
        const outcome = await this.install({ [MODULES]: item.trim().replace(/\s+/g, ' ') }, 'pythonshell-item');
        outcomes.push(outcome);
        if (!outcome.ok) break;
      }
      const failed = outcomes.find((outcome) => !outcome.ok);
      return {
        ok: failed === undefined,
        installed: outcomes.flatMap((outcome) => outcome.installed),
        message: failed?.message ?? '',
        output: outcomes.map((outcome) => outcome.output).join(''),
      };
    }
    // Commas separate the modules; whitespace inside one still separates pip's words, as a command line would.
    const modules = (args[MODULES] ?? '').split(/[,\s]+/).filter((m) => m.length > 0);
    if (modules.length === 0) return { ok: true, installed: [], message: '', output: 'no modules to install\n' };
    const option = command.startsWith('pythonshell') ? '' : (args[OPTIONS] ?? '').trim();
    const options = this.optionSplit === 'spaces' ? splitWords(option) : option === '' ? [] : [option];
    // Glue 5.0 and later: `-r` (exactly, or last) and an S3 URI as the modules: the file is downloaded for pip.
    const requirementsMode = this.requirementsMode === 'exact-r' ? option === '-r' : splitWords(option).at(-1) === '-r';
    const file = requirementsMode && modules.length === 1 && modules[0]?.startsWith('s3://');
    const requirements = file ? this.requirementsFile(modules[0] as string) : undefined;
    if (requirements && 'failed' in requirements) return requirements.failed;
    const words = requirements ? [...options, requirements.path] : [...options, ...modules];
    await this.slot();
    try {
      if (this.mode === 'pip') return await this.pip(words);
      return await check(requirements ? [...requirementsWords(requirements.text), ...options] : words);
    } finally {
      if (requirements) rmSync(dirname(requirements.path), { recursive: true, force: true });
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  /** The run's requirements file, downloaded to a temporary file, or the run's failure if it is not there. */
  private requirementsFile(uri: string): { path: string; text: string } | { failed: InstallOutcome } {
    const body = this.download(uri);
    if (body === undefined) {
      const message = `could not download the requirements file ${uri}: NoSuchKey`;
      return { failed: { ok: false, installed: [], message, output: '' } };
    }
    const dir = mkdtempSync(join(tmpdir(), 'glue-requirements-'));
    const path = join(dir, 'requirements.txt');
    writeFileSync(path, body);
    return { path, text: body.toString('utf8') };
  }

  private slot(): Promise<void> {
    if (this.active < this.maxParallel) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active += 1;
        resolve();
      });
    });
  }

  private pip(words: readonly string[]): Promise<InstallOutcome> {
    const target = mkdtempSync(join(tmpdir(), 'glue-run-'));
    const args = [
      '-m',
      'pip',
      'install',
      '--target',
      target,
      '--no-input',
      '--disable-pip-version-check',
      '--progress-bar',
      'off',
      ...words,
    ];
    // A clean pip: no user config, no keyring, no retries against an index that is not there.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: target,
      PIP_CONFIG_FILE: devNull,
      PIP_RETRIES: '0',
      PIP_TIMEOUT: '10',
      PIP_KEYRING_PROVIDER: 'disabled',
      PYTHONDONTWRITEBYTECODE: '1',
    };
    return new Promise((resolve) => {
      const child = spawn('python3', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      this.children.add(child);
      let output = '';
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      child.on('close', (code) => {
        this.children.delete(child);
        rmSync(target, { recursive: true, force: true });
        const installed = /Successfully installed (.+)/.exec(output)?.[1]?.trim().split(/\s+/) ?? [];
        const errors = output.split('\n').filter((line) => line.startsWith('ERROR:'));
        resolve({
          ok: code === 0,
          installed,
          message:
            code === 0
              ? ''
              : `pip install failed (exit ${code}): ${errors.join(' ') || output.trim().split('\n').at(-1)}`,
          output,
        });
      });
    });
  }

  stop(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
  }
}

const indexOf = (options: readonly string[]): string | undefined => {
  for (let i = 0; i < options.length; i += 1) {
    const word = options[i] as string;
    const eq = /^--(?:extra-)?index-url=(.+)$/.exec(word);
    if (eq) return eq[1];
    if (['-i', '--index-url', '--extra-index-url'].includes(word)) return options[i + 1];
  }
  return undefined;
};

const get = (url: URL): Promise<number> =>
  new Promise((resolve) => {
    const auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, auth, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });

/** A requirements file's lines as words: its option lines split, its requirement lines as they are. */
const requirementsWords = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .flatMap((line) => (line.trim().startsWith('-') ? splitWords(line) : line.trim() ? [line.trim()] : []));

/** The words that name distributions: not options, not an option's value. */
const requirementsOf = (words: readonly string[]): string[] =>
  words.filter(
    (word, i) => !word.startsWith('-') && !/^(-i|-r|-c|--index-url|--extra-index-url)$/.test(words[i - 1] ?? ''),
  );

const check = async (words: readonly string[]): Promise<InstallOutcome> => {
  const index = indexOf(words);
  const modules = requirementsOf(words);
  if (index === undefined)
    return { ok: false, installed: [], message: 'no index URL in the installer option', output: '' };
  for (const module of modules) {
    const name = module.split(/[=<>!~;[ ]/, 1)[0] as string;
    const status = await get(new URL(`${name}/`, index.endsWith('/') ? index : `${index}/`));
    if (status !== 200) {
      return {
        ok: false,
        installed: [],
        message: `pip install failed: the index answered ${status} for ${name} (No matching distribution found for ${module})`,
        output: '',
      };
    }
  }
  return { ok: true, installed: modules.map((m) => m.replace('==', '-')), message: '', output: 'checked\n' };
};

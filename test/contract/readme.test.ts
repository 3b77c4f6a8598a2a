import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { launcherFunction, loadTemplate } from '../../local/tools/cloudformation';
import { ERROR_NAMES, PARAMETERS } from '../../src/errors';
import { CONFIG_VARIABLES } from '../../src/input/config';
import { KNOWN } from '../helpers/parity-known';

// The front door and the reference pages say what the code and the template do: every variable, parameter, error
// name, command and link, checked here rather than remembered.

const ROOT = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const README = read('README.md');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => `docs/${file}`);
const PAGES = ['README.md', ...DOCS];
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };

/** The lines of a section: from its heading to the next heading of the same or a higher level. */
const section = (text: string, heading: string): string => {
  const start = `\n${text}`.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const level = heading.indexOf(' ');
  const rest = text.slice(start + heading.length + 1);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
};

/** The names in backticks in the first column of a section's tables. */
const firstColumn = (text: string, heading: string): string[] =>
  section(text, heading)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) =>
  new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf((m[1] as string).trim())));

describe('README is a front door', () => {
  it('is at most 20 KB', () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(20 * 1024);
  });

  it('has a table of contents naming every section, in order', () => {
    const contents = [...section(README, '## Contents').matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    const sections = [...README.matchAll(/^## (.+)$/gm)].map((m) => anchorOf(m[1] as string)).slice(1);
    expect(contents).toEqual(sections);
  });

  it('links every reference page, and every page it links exists', () => {
    for (const page of [
      'configuration',
      'events',
      'results-and-errors',
      'security-and-iam',
      'reliability',
      'operations',
      'performance',
      'job-types',
      'standin',
    ]) {
      expect(README).toContain(`](docs/${page}.md)`);
    }
  });

  it('asks for the SAM CLI the template needs, with its source, and the deploy needs no flag', () => {
    const runtime = String(launcherFunction().Runtime);
    expect(loadTemplate().Transform).toBe('AWS::Serverless-2016-10-31');
    const prerequisite = section(README, '## Deploy');
    // nodejs24.x arrived in SAM CLI 1.147.1 (aws/aws-sam-cli#8431); nothing newer is needed.
    expect(prerequisite).toMatch(/SAM CLI 1\.147\.1 or later/);
    expect(prerequisite).toContain('#8431');
    expect(prerequisite).toContain(`\`${runtime}\``);
    expect(prerequisite).toMatch(/^ {3}sam deploy --guided$/m);
    expect(README).not.toMatch(/CAPABILITY_AUTO_EXPAND \\|--language-extensions \\/);
    // samconfig.toml: SAM CLI's format, the capability the roles need, no opt-in to language extensions.
    const config = read('samconfig.toml');
    expect(config).toMatch(/^version = 0\.1$/m);
    expect(config).toMatch(/^\[default\.deploy\.parameters\]\n(?:#.*\n)*capabilities = "CAPABILITY_IAM"$/m);
    expect(config).not.toMatch(/language_extensions/);
  });

  it('states the Node that npm ci needs, as package.json does', () => {
    expect(pkg.engines.node).toBe('>=22');
    expect(README).toMatch(/Node\.js 22 or later/);
  });

  it('lists exactly the error names the code throws', () => {
    expect(firstColumn(README, '## Errors').sort()).toEqual([...ERROR_NAMES].sort());
  });

  it('shows the race measured, as docs/reliability.md does', () => {
    const raceRows = (text: string) =>
      text.split('\n').filter((line) => /^\| (warm|first start|cold|requirements-file) /.test(line));
    expect(raceRows(README)).toHaveLength(4);
    expect(raceRows(README)).toEqual(raceRows(read('docs/reliability.md')));
  });
});

describe('the reference pages match the code and the template', () => {
  const configuration = read('docs/configuration.md');

  it('docs/configuration.md lists exactly the variables the code reads', () => {
    const documented = firstColumn(configuration, '## Environment variables').filter(
      (name) => !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'),
    );
    expect(documented.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('docs/configuration.md lists exactly the template’s parameters, each with the variable it sets', () => {
    const rows = section(configuration, '## Template parameters')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((cells) => (cells[1] as string).replace(/`/g, '')).sort()).toEqual(
      Object.keys(loadTemplate().Parameters).sort(),
    );
    for (const [variable, parameter] of Object.entries(PARAMETERS)) {
      if (parameter === undefined) continue;
      const row = rows.find((cells) => cells[1] === `\`${parameter}\``) ?? [];
      expect([parameter, row[2]]).toEqual([parameter, expect.stringContaining(`\`${variable}\``)]);
    }
  });

  it('docs/results-and-errors.md lists exactly the error names the code throws', () => {
    const page = read('docs/results-and-errors.md');
    expect(firstColumn(page, '# Results and errors').sort()).toEqual([...ERROR_NAMES].sort());
  });

  it('docs/events.md names every sample event, and only those', () => {
    const named = [...read('docs/events.md').matchAll(/`([\w-]+\.json)`/g)].map((m) => m[1]);
    const samples = readdirSync(join(ROOT, 'events')).filter((file) => file.endsWith('.json'));
    expect([...new Set(named)].sort()).toEqual(samples.sort());
  });

  it('docs/standin.md shows the differences from moto that the parity test holds', () => {
    const rows = section(read('docs/standin.md'), '### A second opinion: moto')
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| case') && !line.startsWith('|---'))
      .map((line) => line.split(' | ')[0]?.slice(2));
    expect(rows).toEqual(Object.keys(KNOWN));
  });
});

describe('every page', () => {
  it('names only npm scripts that exist', () => {
    for (const page of PAGES) {
      const used = [...read(page).matchAll(/(?:^|`)\s*npm (?:run )?([\w-]+(?::[\w-]+)?)/gm)].map((m) => m[1] as string);
      const unknown = used.filter((s) => !['ci', 'install', 'run', 'test'].includes(s) && !(s in pkg.scripts));
      expect([page, unknown]).toEqual([page, []]);
    }
  });

  it('links only files and headings that exist', () => {
    const broken = PAGES.flatMap((page) =>
      [...read(page).matchAll(/\]\(([^)\s]+)\)/g)].flatMap(([, target]) => {
        if (/^(https?:|mailto:)/.test(target as string)) return [];
        const [path, anchor] = (target as string).split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
        if (!existsSync(file)) return [`${page}: ${target}`];
        if (anchor === undefined || !file.endsWith('.md')) return [];
        return anchorsOf(readFileSync(file, 'utf8')).has(anchor) ? [] : [`${page}: ${target}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('gives every aws lambda invoke with a payload the CLI v2 flag that sends it as JSON', () => {
    const files = [...PAGES, 'examples/eventbridge/create-schedule.sh'];
    const invokes = files.flatMap((file) =>
      read(file)
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .filter((line) => /aws lambda invoke\b.*--payload/.test(line))
        .map((line) => [file, line.includes('--cli-binary-format raw-in-base64-out')]),
    );
    expect(invokes.length).toBeGreaterThan(0);
    expect(invokes.filter(([, ok]) => !ok)).toEqual([]);
  });
});

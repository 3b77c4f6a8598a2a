import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

// The house rules of docs/architecture.md and CONTRIBUTING.md, held by tests rather than by memory.
jest.setTimeout(30_000);

const ROOT = join(__dirname, '../..');
const BIOME = join(ROOT, 'node_modules/.bin/biome');

const filesUnder = (dir: string, ending = '.ts'): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(ending))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));

/** What Biome says of one file placed at `path` in a copy of the project's lint configuration. */
const lint = (path: string, code: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'glue-launcher-lint-'));
  try {
    const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
    delete config.vcs;
    config.files = { includes: ['**'] };
    writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), code);
    try {
      execFileSync(BIOME, ['lint', path], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      return stdout + stderr;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('dependencies point one way, and the linter says so', () => {
  it.each([
    ['src/pip/probe.ts', "import { GlueClient } from '@aws-sdk/client-glue';", /concept folders .* no SDK/],
    ['src/token/probe.ts', "import * as z from 'zod/mini';", /concept folders .* no SDK/],
    ['src/boundary/probe.ts', "import { readFileSync } from 'node:fs';", /no I\/O/],
    ['src/idempotency/probe.ts', "import { launch } from '../launch/launch';", /A concept folder depends only on/],
    ['src/pip/probe.ts', "import { loadConfig } from '../input/config';", /A concept folder depends only on/],
    ['src/launch/probe.ts', "import { failureKind } from '../aws/failure';", /src\/launch depends on the concept/],
    ['src/launch/probe.ts', "import { Logger } from '@aws-lambda-powertools/logger';", /reaches AWS only through/],
    ['src/aws/probe.ts', "import { launch } from '../launch/launch';", /Adapters implement src\/ports\.ts/],
    ['src/launch/probe.ts', "import { refresh } from '../standing/refresh';", /two use cases/],
    ['src/standing/probe.ts', "import { launch } from '../launch/launch';", /two use cases/],
    ['src/standing/probe.ts', "import { glueClient } from '../aws/clients';", /src\/standing depends on the concept/],
    ['src/token/probe.ts', "import { refresh } from '../standing/refresh';", /A concept folder depends only on/],
    ['src/aws/probe.ts', "import { placeIndex } from '../pip/placement';", /Adapters implement src\/ports\.ts/],
    ['src/input/probe.ts', "import { glueClient } from '../aws/clients';", /src\/input depends on the concept/],
    ['src/errors.ts', "import { redact } from './token/redact';", /bottom of the house/],
    ['src/container.ts', "import { StandIn } from '../local/standin/server';", /never imports the stand-in/],
  ])('%s may not %s', (path, line, message) => {
    expect(
      lint(path, `${line}\nexport const probe = [${/\{ (\w+) \}|\* as (\w+)/.exec(line)?.slice(1).find(Boolean)}];\n`),
    ).toMatch(message);
  });

  it('and lets the allowed directions through', () => {
    const allowed: Array<[string, string]> = [
      ['src/pip/probe.ts', "import { installerOptionConflict } from '../errors';"],
      ['src/idempotency/probe.ts', "import { ServiceFailure } from '../ports';"],
      ['src/launch/probe.ts', "import { placeIndex } from '../pip/placement';"],
      ['src/standing/probe.ts', "import { decideToken } from '../token/access';"],
      ['src/standing/probe.ts', "import { writeRequirementsFile } from '../pip/requirements';"],
      ['src/aws/probe.ts', "import { ServiceFailure } from '../ports';"],
      ['src/input/probe.ts', "import { checkAllowed } from '../boundary/allowlist';"],
    ];
    for (const [path, line] of allowed) {
      expect(lint(path, `${line}\nexport const probe = [${/\{ (\w+) \}/.exec(line)?.[1]}];\n`)).toBe('');
    }
  });
});

describe('modules that hold a concept whole', () => {
  it('one launch reads top-down in src/launch, which keeps at most 6 files', () => {
    expect(filesUnder('src/launch').length).toBeLessThanOrEqual(6);
  });

  it('errors are made in the catalogue alone: no `new LauncherError(` outside src/errors.ts', () => {
    const making = filesUnder('src').filter(
      (file) => file !== 'src/errors.ts' && readFileSync(join(ROOT, file), 'utf8').includes('new LauncherError('),
    );
    expect(making).toEqual([]);
  });

  it('top-level functions are declarations, not arrow constants: V8 loads them for fewer instructions (docs/performance.md)', () => {
    const arrowConstant = /^(?:export )?const (\w+)(?::[^=]+)? = (?:async )?(?:<[^>]*>)?\([^)]*\)(?::[^=]+)? =>/gm;
    const found = filesUnder('src').flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(arrowConstant)].map((match) => `${file}: ${match[1]}`),
    );
    expect(found).toEqual([]);
    // The pattern bites on what it forbids.
    expect('export const f = (a: number): number =>\n  a;'.match(arrowConstant)).toHaveLength(1);
  });
});

describe('docs/architecture.md is the code as it is', () => {
  const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const source = filesUnder('src')
    .map((file) => readFileSync(join(ROOT, file), 'utf8'))
    .join('\n');

  it('every src/ file it cites exists: by its path, or by its name under its folder', () => {
    const src = filesUnder('src').map((file) => file.slice('src/'.length));
    const cited = [...new Set([...page.matchAll(/\b((?:[\w-]+\/)*[\w-]+\.ts)\b/g)].map((m) => m[1] as string))];
    const missing = cited
      .map((file) => file.replace(/^src\//, ''))
      .filter((file) =>
        file.includes('/') ? !src.includes(file) : !src.some((path) => path.split('/').at(-1) === file),
      )
      .filter((file) => ![...filesUnder('test'), ...filesUnder('local')].some((other) => other.endsWith(file)));
    expect(cited.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it('every function it names, as `name()`, is one in src/', () => {
    const named = [...new Set([...page.matchAll(/`(\w+)\(\)`/g)].map((m) => m[1] as string))];
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter((name) => !new RegExp(`(const|function) ${name}\\b`).test(source));
    expect(missing).toEqual([]);
  });
});

describe('tests sorted by kind', () => {
  it('unit tests need no build, no server and no SDK mock (types aside)', () => {
    const needs =
      /^import (?!type )[^;]*'[^']*(local\/standin\/server|local\/tools\/bundle|aws-sdk-client-mock|dist\/)/m;
    const offending = filesUnder('test/unit').filter((file) => needs.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offending).toEqual([]);
  });
});

describe('the project stands on its own', () => {
  it('no code, test or doc cites a design file outside the repository', () => {
    const files = ['src', 'test', 'local', 'scripts', 'bench', 'docs', 'examples']
      .flatMap((dir) => [...filesUnder(dir), ...filesUnder(dir, '.md')])
      .concat(['README.md', 'CONTRIBUTING.md', 'template.yaml']);
    const citing = files.filter((file) => /\.\.\/shared|DESIGN\.md/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(citing).toEqual([]);
  });

  it('every docs/adr record a comment cites exists', () => {
    const records = new Set(readdirSync(join(ROOT, 'docs/adr')));
    const cited = ['src', 'local', 'scripts', 'bench', 'test']
      .flatMap((dir) => filesUnder(dir))
      .flatMap((file) =>
        [...readFileSync(join(ROOT, file), 'utf8').matchAll(/docs\/adr\/([\w-]+\.md)/g)].map((m) => m[1]),
      );
    expect(cited.length).toBeGreaterThan(0);
    expect([...new Set(cited)].filter((record) => !records.has(record as string))).toEqual([]);
  });
});

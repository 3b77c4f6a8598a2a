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
    ['src/domain/probe.ts', "import { GlueClient } from '@aws-sdk/client-glue';", /src\/domain is pure/],
    ['src/domain/probe.ts', "import * as z from 'zod/mini';", /src\/domain is pure/],
    ['src/domain/probe.ts', "import { launch } from '../launch/launch';", /src\/domain depends on nothing but itself/],
    ['src/launch/probe.ts', "import { kindOf } from '../aws/failure';", /src\/launch depends on src\/domain/],
    ['src/launch/probe.ts', "import { Logger } from '@aws-lambda-powertools/logger';", /reaches AWS only through/],
    ['src/aws/probe.ts', "import { launch } from '../launch/launch';", /Adapters implement src\/ports\.ts/],
    ['src/input/probe.ts', "import { glueClient } from '../aws/clients';", /src\/input depends on src\/domain/],
    ['src/launcher.ts', "import { StandIn } from '../local/standin/server';", /never imports the stand-in/],
  ])('%s may not %s', (path, line, message) => {
    expect(
      lint(path, `${line}\nexport const probe = [${/\{ (\w+) \}|\* as (\w+)/.exec(line)?.slice(1).find(Boolean)}];\n`),
    ).toMatch(message);
  });

  it('and lets the allowed directions through', () => {
    expect(
      lint('src/domain/probe.ts', "import { LauncherError } from '../errors';\nexport const probe = LauncherError;\n"),
    ).toBe('');
    expect(
      lint('src/aws/probe.ts', "import { ServiceFailure } from '../ports';\nexport const probe = ServiceFailure;\n"),
    ).toBe('');
  });
});

describe('small modules', () => {
  it('no file under src/ is much over 150 lines', () => {
    const long = filesUnder('src')
      .map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 160);
    expect(long).toEqual([]);
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

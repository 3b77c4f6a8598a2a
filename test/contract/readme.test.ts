import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launcherFunction, loadTemplate } from '../../local/tools/cloudformation';
import { ERROR_NAMES } from '../../src/errors';
import { CONFIG_VARIABLES } from '../../src/input/config';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The rows of the markdown table under a heading: first-column cells in backticks. */
const firstColumn = (heading: string): string[] => {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const section = README.slice(start + heading.length + 2).split(/\n#{1,3} /)[0] as string;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
};

describe('README matches the code', () => {
  it('lists exactly the configuration variables the code reads', () => {
    const documented = firstColumn('## Configuration').filter(
      (name) => !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'),
    );
    expect(documented.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('lists exactly the error names the code throws', () => {
    expect(firstColumn('## Results and errors').sort()).toEqual([...ERROR_NAMES].sort());
  });

  it('names only npm scripts that exist', () => {
    const used = [...README.matchAll(/(?:^|`)npm (?:run )?([\w:-]+)/gm)].map((m) => m[1] as string);
    for (const script of used.filter((s) => !['ci', 'install'].includes(s))) {
      expect(Object.keys(pkg.scripts)).toContain(script);
    }
  });
});

describe('README matches template.yaml', () => {
  it('lists exactly the template’s parameters', () => {
    expect(firstColumn('### Parameters').sort()).toEqual(Object.keys(loadTemplate().Parameters).sort());
  });

  it('asks for a SAM CLI that knows the runtime the template deploys, not an older version number', () => {
    const runtime = String(launcherFunction().Runtime);
    const prerequisite = README.split('\n').find((line) => line.includes('SAM CLI that knows')) ?? '';
    expect(prerequisite).toContain(`\`${runtime}\``);
    expect(README).not.toMatch(/SAM CLI 1\.\d+ or later/);
  });
});

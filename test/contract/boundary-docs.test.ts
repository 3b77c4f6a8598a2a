import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLUE_PARAMETERS, GLUE_PREFIXES } from '../../src/boundary/glue-parameters';
import { ALLOWED_OPTIONS } from '../../src/pip/options';

// The boundary's tables, as docs/ shows them to the people who configure it, are the tables the code enforces.
const read = (page: string) => readFileSync(join(__dirname, '../../docs', page), 'utf8');
const codes = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

describe('docs/pip-options.md', () => {
  const rows = read('pip-options.md')
    .split('\n')
    .filter((line) => /^\| `-/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('shows every allowlisted option, its spellings, what file delivery does with it, and its reason', () => {
    const EFFECT = { file: 'into the file', output: 'left out', 'command-line': 'command line only' };
    expect(rows.map((cells) => [codes(cells[1] as string), cells[3], cells[4]])).toEqual(
      ALLOWED_OPTIONS.map((option) => [option.names, EFFECT[option.effect], option.reason]),
    );
  });
});

describe('docs/argument-policy.md', () => {
  const page = read('argument-policy.md');
  const line = (start: string) => page.split('\n').find((l) => l.startsWith(start)) ?? '';

  it('lists exactly the Glue parameters and families that safe refuses', () => {
    expect(codes(line('`--additional-python-modules`'))).toEqual([...GLUE_PARAMETERS]);
    expect(codes(line('`--additional-`,'))).toEqual([...GLUE_PREFIXES]);
  });
});

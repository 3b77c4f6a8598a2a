import { keySegment, requirementsFileBody, requirementsFileKey } from '../../src/pip/requirements-file';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const LOCATION = { bucket: 'b', prefix: 'glue-launcher/' };

describe('the file', () => {
  it('holds the launcher’s index line first, then the options, the modules and the job’s own lines', () => {
    const plan = {
      location: LOCATION,
      options: ['--prefer-binary'],
      requirements: ['acme==1.4.0', 'pandas'],
      ownLines: ['numpy<2'],
    };
    expect(requirementsFileBody(plan, 'index-url', URL)).toBe(
      `--index-url ${URL}\n--prefer-binary\nacme==1.4.0\npandas\nnumpy<2\n`,
    );
    expect(requirementsFileBody({ ...plan, options: [], ownLines: [] }, 'extra-index-url', URL)).toBe(
      `--extra-index-url ${URL}\nacme==1.4.0\npandas\n`,
    );
  });
});

describe('where it goes', () => {
  const at = new Date('2026-11-22T23:59:59Z');

  it('under the prefix, by job and day, one per launch', () => {
    expect(requirementsFileKey(LOCATION, 'nightly-etl', at, 'id-1')).toBe(
      'glue-launcher/nightly-etl/2026-11-22/id-1.txt',
    );
  });

  it.each(['a/b c', 'etl+hourly', 'étl', '..', '.', '../../other-prefix', 'x'.repeat(255), '%2F'])(
    'a job named %j gets a key of [A-Za-z0-9._/-] under the prefix, no segment "." or ".."',
    (name) => {
      const key = requirementsFileKey(LOCATION, name, at, 'id');
      expect(key).toMatch(/^glue-launcher\/[A-Za-z0-9._-]+\/2026-11-22\/id\.txt$/);
      expect(key.split('/').some((segment) => segment === '.' || segment === '..')).toBe(false);
    },
  );

  it('two names never share a segment', () => {
    expect(keySegment('a b')).not.toBe(keySegment('a+b'));
    expect(keySegment('nightly-etl')).toBe('nightly-etl');
  });
});

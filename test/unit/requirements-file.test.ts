import { keySegment, requirementsFileKey } from '../../src/pip/requirements-file';

const LOCATION = { bucket: 'b', prefix: 'glue-launcher/' };

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

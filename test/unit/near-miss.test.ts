import { meantName } from '../../src/input/near-miss';

// The hint in a refusal or a warning: the known name a given one was most likely meant to be.
describe('meantName', () => {
  const known = ['TOKEN_DELIVERY', 'MAX_WORKERS', 'jobName', 'jobs', 'arguments'];

  it.each([
    ['JobName', 'jobName'], // Glue's API casing
    ['ARGUMENTS', 'arguments'],
    ['TOKEN_DELIVRY', 'TOKEN_DELIVERY'], // a letter dropped
    ['TOKEN_DELIVERYY', 'TOKEN_DELIVERY'], // one added
    ['TOKEN_DELIVARY', 'TOKEN_DELIVERY'], // one changed
    ['TOEKN_DELIVERY', 'TOKEN_DELIVERY'], // two swapped
    ['max_workers', 'MAX_WORKERS'],
    ['job', 'jobs'],
  ])('%s is taken for %s', (given, meant) => {
    expect(meantName(given, known)).toBe(meant);
  });

  it.each([['TOKEN_DELIVERANCE'], ['MAX'], ['jobNames_'], ['OKEN_DELIVER'], ['TOKEN_DLEIVREY'], ['']])(
    '%j is too far from every name to suggest one',
    (given) => {
      expect(meantName(given, known)).toBeUndefined();
    },
  );

  it('prefers the same name in another case to a one-letter typo of another', () => {
    expect(meantName('JOBS', ['job', 'jobs'])).toBe('jobs');
  });
});

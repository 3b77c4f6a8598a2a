// Only under `npm run mutate` (jest.mutate.config.js): the fuzz properties try a tenth of their cases per mutant
// (test/helpers/fuzz.ts fuzzRuns).
process.env.FUZZ_RUNS_DIVISOR = '10';

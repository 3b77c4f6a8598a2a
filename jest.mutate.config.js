// What `npm run mutate` runs against each mutant (stryker.config.mjs): the unit and component projects of
// jest.config.js, without coverage (Stryker measures its own) and without the build the other projects need; the
// fuzz properties try a tenth of their cases (test/setup-mutate.ts).
import base from './jest.config.js';

export default {
  ...base,
  projects: base.projects
    .filter((project) => ['unit', 'component'].includes(project.displayName))
    .map((project) => ({ ...project, setupFiles: [...project.setupFiles, '<rootDir>/test/setup-mutate.ts'] })),
  collectCoverage: false,
  coverageThreshold: undefined,
};

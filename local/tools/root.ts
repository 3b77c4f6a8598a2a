import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's root (where package.json is), from a source file under local/ or a built tool under dist/. */
export const projectRoot = (from: string = __dirname): string => {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
};

import type { BuildOptions } from 'esbuild';

/** The Lambda bundle's esbuild options (scripts/bundle-options.mjs). */
export declare const lambdaBundle: BuildOptions & {
  entryPoints: string[];
  external: string[];
  mainFields: string[];
  outExtension: Record<string, string>;
};
/** The options before docs/adr/0007-commonjs-bundle-for-cold-start.md. */
export declare const previousLambdaBundle: BuildOptions;

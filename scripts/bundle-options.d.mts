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
/** The handler bundle's name (without `.cjs`) for a deployment's SDK clients (scripts/bundle-options.mjs). */
export declare const handlerBundle: (clients: { readonly s3: boolean; readonly lock: boolean }) => string;

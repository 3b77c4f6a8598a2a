import { createLauncher } from './launcher';

/** The Lambda entry point: configuration and clients are set up once, when the container starts. */
export const handler = createLauncher(process.env);

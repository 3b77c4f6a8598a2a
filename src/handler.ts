import { createContainer } from './container';

/** The Lambda entry point: configuration and clients are set up once, when the container starts. */
export const handler = createContainer(process.env);

import { createRefresher } from './refresher';

/**
 * The standing refresher's Lambda entry point (docs/standing-files.md): its own function, role and bundle, invoked
 * by an EventBridge Scheduler schedule and on demand. It writes standing files; it starts no run and changes no job.
 */
export const handler = createRefresher(process.env);

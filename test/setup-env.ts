import { LAMBDA_ENV, SAFE_ENV } from '../local/tools/fixtures';

// Never the real account: fake credentials, and endpoints on a closed local port, so that a call that escaped its
// mock fails at once instead of reaching AWS. And what Lambda's runtime sets, as the function sees it there.
Object.assign(process.env, SAFE_ENV, LAMBDA_ENV);

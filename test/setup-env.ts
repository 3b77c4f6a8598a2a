// Tests run on Node 20; the SDK's notice about Node 22 is noise in captured output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Never the real account: unit tests mock the clients, and credentials are fake.
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
// A call that escaped its mock must fail at once on a closed local port, never reach AWS.
process.env.AWS_ENDPOINT_URL_GLUE = 'http://127.0.0.1:9';
process.env.AWS_ENDPOINT_URL_CODEARTIFACT = 'http://127.0.0.1:9';

/**
 * `npm run standin`: the local stand-in as a command, for trying the launcher by hand
 * (`npm run invoke -- events/<file>.json --local`, or your own SDK calls). Ctrl-C stops it.
 */
import { StandIn } from './standin';

const USAGE = `usage: npm run standin [-- --port N] [-- --job NAME ...]

Serves Glue, CodeArtifact and a private PyPI index on 127.0.0.1 until Ctrl-C.
  --port N     listen on N (default: a free port)
  --job NAME   create a demo Spark job NAME (repeatable; default: nightly-etl and hourly-etl)`;

const main = async () => {
  const argv = process.argv.slice(2);
  let port = 0;
  const jobs: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--port' && /^\d+$/.test(argv[i + 1] ?? '')) port = Number(argv[++i]);
    else if (arg === '--job' && argv[i + 1]) jobs.push(argv[++i] as string);
    else {
      console.log(USAGE);
      process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
    }
  }
  const standIn = await StandIn.start({ port, install: 'pip' });
  const pkg = standIn.packages[0];
  const names = jobs.length > 0 ? jobs : ['nightly-etl', 'hourly-etl'];
  for (const name of names) {
    standIn.createJob({
      Name: name,
      Command: { Name: 'glueetl' },
      Timeout: 120,
      DefaultArguments: { '--additional-python-modules': `${pkg?.name}==${pkg?.version}` },
    });
  }
  console.log(`stand-in listening on ${standIn.url}; jobs: ${names.join(', ')}`);
  console.log('environment for the launcher:');
  for (const [key, value] of Object.entries(standIn.env())) console.log(`  export ${key}=${value}`);
  const stop = () => void standIn.stop().then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
};

void main();

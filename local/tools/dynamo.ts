import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/**
 * A real DynamoDB protocol server in this process (dynalite, from npm: no Java, no Docker), with the lock's table as
 * the template creates it: a string partition key `id`, on demand. For the lock's tests, `npm run race -- --lock` and
 * `npm run bench` (which gives every request the stand-in's latency, as it gives Glue's and CodeArtifact's).
 */
export const startDynamo = async (table = 'glue-launcher-locks', latencyMs = 0) => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  if (latencyMs > 0) {
    // Each request waits before dynalite reads it; its body stays buffered in the paused request meanwhile.
    const [answer] = server.listeners('request') as Array<(...args: unknown[]) => void>;
    server.removeAllListeners('request');
    server.on('request', (...args: unknown[]) => setTimeout(() => answer?.(...args), latencyMs));
  }
  // Node's server closes an idle kept-alive socket after 5 s, and a client that reuses it just then reads
  // ECONNRESET: on a loaded machine, a test's own client (below) did. Idle sockets are kept for a minute instead.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    // The tools' own client, which arranges tables and records: a cut connection is retried, as the launcher's are.
    maxAttempts: 3,
  });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    endpoint,
    table,
    client,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

import { startThrowawayGalera } from '../test/support/galera';

/**
 * `npm run galera`: starts a throwaway three-node Galera cluster on 127.0.0.1 (ephemeral ports,
 * data in a temporary directory), prints one DATABASE_URL per node and keeps it running until
 * Ctrl-C, which stops the nodes and removes their data. See docs/operations.md "Scaling out".
 */
async function main(): Promise<void> {
  const database = process.argv[2] ?? 'gatehouse';
  const cluster = await startThrowawayGalera({ log: (line) => process.stderr.write(`${line}\n`) });
  cluster.nodes[0].sql(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  for (const n of cluster.nodes) {
    process.stdout.write(`node ${n.index}: DATABASE_URL=${n.urlFor(database)}  (mariadbd pid ${n.pid})\n`);
  }
  process.stdout.write(`data and logs in ${cluster.base}; Ctrl-C stops the cluster and removes them\n`);
  let stopping = false;
  const stop = (): void => {
    if (!stopping) {
      stopping = true;
      void cluster.stop().then(() => process.exit(0));
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

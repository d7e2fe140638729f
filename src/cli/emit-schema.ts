import 'reflect-metadata';
import path from 'node:path';
import { emitSchemaDefinitionFile } from 'type-graphql';
import { loadConfig } from '../config/config';
import { createServices } from '../services';
import { createSchema } from '../graphql/schema';

/** `npm run schema`: writes schema.graphql (committed; a test checks it equals the emitted schema). */
async function main(): Promise<void> {
  const services = createServices(loadConfig({ ...process.env, NODE_ENV: 'test', MFA_ENCRYPTION_KEY: '0'.repeat(64) }));
  const schema = await createSchema(services);
  const file = path.join(__dirname, '..', '..', '..', 'schema.graphql');
  await emitSchemaDefinitionFile(file, schema);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});

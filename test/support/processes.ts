import { spawn, type ChildProcess } from 'node:child_process';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { openDataSource } from '../../ormconfig';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import type { RequestContext } from '../../src/context';
import { builtMain } from './build';
import { TEST_MFA_KEY } from './databases';
import { postGraphql } from './graphql-client';

/** A real server process (`node src/main.js`, compiled once by builtMain) for multi-process tests. */
export interface SpawnedServer {
  url: string;
  proc: ChildProcess;
  /** stdout and stderr lines so far (the JSON log among them). */
  output: string[];
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: any }>;
  /** SIGTERM, then SIGKILL if it is still there after ms. */
  kill(ms?: number): Promise<number | string>;
}

export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
};

/** Runs main.js with exactly this environment (plus PATH) and collects its output. */
export function runMain(env: Record<string, string>): { proc: ChildProcess; output: string[]; exited: Promise<number | string> } {
  const proc = spawn(process.execPath, [builtMain()], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => void output.push(...String(chunk).split('\n').filter(Boolean));
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { proc, output, exited };
}

/** Starts a production-mode server process on a free port and waits until it prints its URL. */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const { proc, output, exited } = runMain({ ...PRODUCTION_ENV, ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s:\n${output.join('\n')}`)), 30_000);
    const check = (): void => {
      const line = output.find((l) => /GraphQL:\s+http:\/\//.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(/(http:\/\/[^/\s]+)/.exec(line)![1]);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) at start-up:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    proc,
    output,
    exited,
    async gql(query, variables, token) {
      const r = await postGraphql(url, query, variables, token);
      return { status: r.status, body: r.body };
    },
    async kill(ms = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

/** Direct access to a database that spawned servers use: migrate it, and arrange data through the services. */
export interface Arranger {
  ds: DataSource;
  services: Services;
  ctx: RequestContext;
  close(): Promise<void>;
}

export async function arrange(databaseUrl: string): Promise<Arranger> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, MFA_ENCRYPTION_KEY: TEST_MFA_KEY, LOG_LEVEL: 'silent' });
  const ds = await openDataSource(config.database, { poolSize: 4 });
  await ds.runMigrations({ transaction: 'each' });
  const services = createServices(config);
  const ctx: RequestContext = { requestId: 'arrange', ip: null, principal: null, manager: ds.manager, log: createLogger('silent') };
  return { ds, services, ctx, close: () => ds.destroy() };
}

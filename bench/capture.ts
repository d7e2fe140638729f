/** SQL capture: the statements each request runs, and their query plans (the `plans` scenario). */
import { loadConfig } from '../src/config/config';
import { openDataSource } from '../ormconfig';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import { signIn } from './clients';
import { BIG_ORG, MFA_KEY } from './options';
import { checkPlans, type CapturedStatement, type PlanVerdict } from './plan-check';
import { exerciseRequests, type CaptureRequest } from './requests';

export interface CapturedPlans {
  perRequest: Record<string, string[]>;
  verdicts: PlanVerdict[];
}

/**
 * Starts the server in this process on `url` with a query logger, runs each request once as the
 * big tenant's admin, and returns the statements each ran plus the plan verdicts.
 */
export async function captureAndExplain(url: string, requests: CaptureRequest[]): Promise<CapturedPlans> {
  let current: CapturedStatement[] | null = null;
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    MFA_ENCRYPTION_KEY: MFA_KEY,
    LOG_LEVEL: 'warn',
  });
  const ds = await openDataSource(config.database, {
    onQuery: (sql, parameters) => {
      current?.push({ sql, parameters });
    },
  });
  const server = await startServer({ config, log: createLogger('warn'), dataSource: ds, runMigrations: false });
  try {
    const token = await signIn(server.url, BIG_ORG.admin);
    const statements = await exerciseRequests(server.url, token, requests, {
      start: () => (current = []),
      stop: () => {
        const got = current ?? [];
        current = null;
        return got;
      },
    });
    const verdicts = await checkPlans(ds, Object.values(statements).flat());
    const perRequest = Object.fromEntries(
      Object.entries(statements).map(([name, list]) => [name, list.map((x) => x.sql.replace(/\s+/g, ' ').trim())]),
    );
    return { perRequest, verdicts };
  } finally {
    await server.stop(2000);
  }
}

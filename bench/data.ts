/** The benchmark's data: the seeded database (created, migrated and seeded when missing) and what is read from it. */
import os from 'node:os';
import { rmSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/config';
import { openDataSource } from '../ormconfig';
import { seedBulk, type SeedReport } from '../src/cli/seed';
import type { ThrowawayMariaDb } from '../test/support/mariadb';
import { ORGS, USERS, log } from './options';
import { RARE_SEARCH_TERM } from './requests';
import { cpuSeconds } from './support';

/** Opens (creating, migrating and seeding when needed) the benchmark database at this URL. */
export async function ensureSeeded(
  url: string,
  dbPid?: number,
): Promise<{ ds: DataSource; seed: SeedReport | null; cpu?: Record<string, number> }> {
  let ds = await openDataSource(parseDatabaseUrl(url));
  await ds.runMigrations({ transaction: 'each' });
  const n = async (sql: string): Promise<number> => Number(((await ds.query(sql)) as Array<{ n: number | string }>)[0].n);
  if ((await n('SELECT COUNT(*) AS n FROM users')) === USERS && (await n('SELECT COUNT(*) AS n FROM orgs')) === ORGS) {
    return { ds, seed: null };
  }
  if ((await n('SELECT COUNT(*) AS n FROM orgs')) > 0) {
    log(`database ${url.replace(/:[^:@/]*@/, ':***@')} holds a different or partial set: recreating it`);
    await ds.destroy();
    await recreate(url);
    ds = await openDataSource(parseDatabaseUrl(url));
    await ds.runMigrations({ transaction: 'each' });
  }
  log(`seeding ${ORGS} orgs and ${USERS} users (${ds.options.type})…`);
  const cpu0 = process.cpuUsage();
  const db0 = dbPid ? cpuSeconds(dbPid) : 0;
  const seed = await seedBulk(ds, { orgs: ORGS, users: USERS, progress: process.stderr.isTTY === true });
  const used = process.cpuUsage(cpu0);
  const cpu = { node: (used.user + used.system) / 1e6, ...(dbPid ? { mariadbd: cpuSeconds(dbPid) - db0 } : {}) };
  log(
    `seeded in ${seed.seconds.toFixed(1)} s (${JSON.stringify(seed.phases)}); CPU seconds ${JSON.stringify(cpu)}, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  return { ds, seed, cpu };
}

async function recreate(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      rmSync(f, { force: true });
    }
    return;
  }
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/mysql';
  const c = await createConnection(u.toString());
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
}

export async function createDatabaseIfMissing(db: ThrowawayMariaDb, name: string): Promise<string> {
  const c = await createConnection(db.url);
  await c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  return db.urlFor(name);
}

export interface SearchPrefix {
  term: string;
  matches: number;
}

/**
 * The most common 1-, 2- and 3-character prefixes of the big tenant's searched name keys (last
 * name first, first name first: what a member's search matches), counted over both keys.
 */
export async function commonPrefixes(url: string, orgId: number): Promise<SearchPrefix[]> {
  const ds = await openDataSource(parseDatabaseUrl(url));
  try {
    const out: SearchPrefix[] = [];
    for (const n of [1, 2, 3]) {
      const rows = (await ds.query(
        `SELECT p, COUNT(*) AS c FROM (SELECT SUBSTR(nameKey, 1, ${n}) AS p FROM memberships WHERE orgId = ?
           UNION ALL SELECT SUBSTR(fullNameKey, 1, ${n}) AS p FROM memberships WHERE orgId = ?) k
         GROUP BY p ORDER BY c DESC, p LIMIT 1`,
        [orgId, orgId],
      )) as Array<{ p: string; c: number | string }>;
      out.push({ term: rows[0].p, matches: Number(rows[0].c) });
    }
    const [rare] = (await ds.query(`SELECT COUNT(*) AS c FROM memberships WHERE orgId = ? AND (nameKey LIKE ? OR fullNameKey LIKE ?)`, [
      orgId,
      `${RARE_SEARCH_TERM}%`,
      `${RARE_SEARCH_TERM}%`,
    ])) as Array<{ c: number | string }>;
    out.push({ term: RARE_SEARCH_TERM, matches: Number(rare.c) });
    return out;
  } finally {
    await ds.destroy();
  }
}

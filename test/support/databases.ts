import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export type DbKind = 'sqlite' | 'mysql';

/** The engine this jest project runs on (set by test/setup/*.env.js). */
export function testDbKind(): DbKind {
  return process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';
}

export const TEST_MFA_KEY = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on this project's engine: a temp SQLite file, or a new MariaDB schema. */
export async function freshDatabase(): Promise<FreshDatabase> {
  if (testDbKind() === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-'));
    return { url: `sqlite:${path.join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TEST_MYSQL_URL!;
  const name = `gh_t${process.pid}_${randomBytes(4).toString('hex')}`;
  const conn = await createConnection(server);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await createConnection(server);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

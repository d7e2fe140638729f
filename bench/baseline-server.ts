/**
 * The practical ceiling for the member list: a bare fastify route on a mysql2 pool that runs
 * the same SQL statements as one `users(first: 50)` GraphQL request (session lookup, the keyset
 * page, the page's users) and answers the same JSON shape, with none of the GraphQL, ORM or
 * authorization layers. Started by bench/run.ts as a child process: PORT, DATABASE_URL, ORG_ID.
 */
import Fastify from 'fastify';
import { createPool } from 'mysql2/promise';
import { hashToken } from '../src/security/tokens';
import { SESSION_SQL, firstPageSql, usersSql } from './baseline-sql';

async function main(): Promise<void> {
  const pool = createPool({
    uri: process.env.DATABASE_URL!,
    connectionLimit: 10,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    namedPlaceholders: true,
  });
  const app = Fastify({ logger: false });
  app.post('/graphql', async (req, reply) => {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const [sessions] = await pool.query(SESSION_SQL, { hash: hashToken(token), now: new Date(), yes: true, active: 'active' } as any);
    const session = (sessions as Array<{ orgId: number; isAdmin: number }>)[0];
    if (!session) {
      return reply.code(200).send({ errors: [{ message: 'Not signed in.', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const body = req.body as { variables?: { first?: number } } | undefined;
    const first = Math.min(200, Math.max(1, Number(body?.variables?.first ?? 50)));
    const page = firstPageSql(session.orgId, first + 1);
    const [rows] = await pool.query(page.sql, page.params as any);
    const members = (rows as Array<{ userId: number; nameKey: string; firstName: string; lastName: string }>).slice(0, first);
    const users = new Map<number, Record<string, unknown>>();
    if (members.length) {
      const u = usersSql(members.map((m) => m.userId));
      const [userRows] = await pool.query(u.sql, u.params);
      for (const r of userRows as Array<Record<string, unknown>>) {
        users.set(Number(r.id), r);
      }
    }
    // The names are the org's (on the membership row); the email is the account's.
    const nodes = members.flatMap((m) => {
      const u = users.get(m.userId);
      return u ? [{ id: String(m.userId), firstName: m.firstName, lastName: m.lastName, email: u.email }] : [];
    });
    const last = members[members.length - 1];
    const endCursor = last ? Buffer.from(JSON.stringify({ k: last.nameKey, id: last.userId })).toString('base64url') : null;
    return { data: { users: { nodes, pageInfo: { hasNextPage: (rows as unknown[]).length > first, endCursor } } } };
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.stdout.write(`baseline listening on ${process.env.PORT}\n`);
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`baseline failed: ${String(e)}\n`);
  process.exit(1);
});

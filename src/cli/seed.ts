import { SingleBar, Presets } from 'cli-progress';
import type { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import { hashPassword } from '../security/password';
import { backfillSearchPrefixes, memberKeys } from '../services/members/member-keys';
import { assertIndexesAsDeclared, dropDeclaredIndexes, rebuildDeclaredIndexes } from './bulk-indexes';

export interface SeedOptions {
  orgs: number;
  users: number;
  /** Members of the first org (the big tenant); default 20% of users. */
  bigOrgUsers?: number;
  progress?: boolean;
  /** Password of every seeded user (they share one hash: hashing 1M passwords would take hours). */
  password?: string;
  /** Where progress lines go (default stderr). */
  out?: (line: string) => void;
}

export interface SeedReport {
  seconds: number;
  /** Seconds per phase: prepare, load, indexes, search index, counters, analyze. */
  phases: Record<string, number>;
  orgs: number;
  users: number;
  rows: Record<string, number>;
  bigOrg: { id: number; slug: string; adminEmail: string; members: number };
  password: string;
}

export const SEED_PASSWORD = 'bench-password-2026';

/** The tables a seed fills whose secondary indexes are dropped during the load and rebuilt after it. */
const INDEXED_TABLES = ['memberships', 'users', 'user_group_members', 'mfa_factors', 'role_assignments'];

// Ordered from common to rare: picks are skewed towards the front (see skewed()), so a prefix such
// as "smi" matches many members and "kow" few — the search benchmark needs both.
const FIRST = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica
  Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly
  Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca
  Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Anna Stephen
  Ruth Larry Brenda Justin Pamela Scott Nicole Brandon Katherine Benjamin Samantha Samuel Christine Valentina Mateo Sofia Lucas
  Chloe Noah Zoe Liam Aiko Ravi Priya Wei Olga Ingrid Kwame Amara Yusuf Leila Hiro Mei Fatima Omar Ines Joao Bjorn Astrid Dmitri
  Svetlana Chidi Ngozi Tariq Anjali Kenji Yuki Mateus Camila Diego Lucia Thiago Isabela Pieter Saskia Niamh Siobhan Eamon Zeynep`.split(
  /\s+/,
);
const LAST = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas
  Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
  Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner
  Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey
  Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
  Castillo Sanders Patel Myers Long Ross Foster Jimenez Okafor Kowalski Novak Yamamoto Tanaka Singh Khan Muller Schmidt Rossi
  Dubois Silva Santos Ivanov Larsen Jensen O'Brien Nakamura Haddad Mensah Okonkwo Lindqvist Virtanen Horvath Papadopoulos Kaya
  Dlamini Abubakar Fitzgerald Vasquez Zhang Wang Chen Liu Huang Zhao Sato Suzuki Takahashi Watanabe Ito Kobayashi Andersson
  Johansson Nielsen Hansen Kovacs Novotny Petrov Sokolov Moreau Laurent Lefebvre Fontaine Esposito Romano Bianchi Ferrari`.split(/\s+/);
const ROLES = ['Auditor', 'Risk Owner', 'Control Owner'];
const GROUPS = ['Engineering', 'Finance', 'Sales', 'Operations'];
const BIG_ORG_DOMAIN = 'bigcorp.example';

/** Deterministic pseudo-random numbers so that two seeds of the same size are the same data set. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** SQL literal writers for both engines (values are generated here, never user input). */
interface Literals {
  str(s: string): string;
  date(ms: number): string;
  /** An exact-time column (ExactTimeColumn): six fraction digits on both engines. */
  exact(ms: number): string;
}

function literals(sqlite: boolean): Literals {
  // Formatting millions of dates with toISOString was a tenth of the load's CPU: cache the day part.
  const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
  const days = new Map<number, string>();
  return {
    // Both engines accept '' for a quote; MySQL also treats backslash as an escape.
    str: (s) => `'${s.replace(/\\/g, sqlite ? '\\' : '\\\\').replace(/'/g, "''")}'`,
    // TypeORM writes 'YYYY-MM-DD HH:MM:SS.SSS' on SQLite (text comparison must agree), whole seconds on MySQL DATETIME.
    date: (ms) => {
      const day = Math.floor(ms / 86400_000);
      let prefix = days.get(day);
      if (prefix === undefined) {
        prefix = new Date(day * 86400_000).toISOString().slice(0, 10);
        days.set(day, prefix);
      }
      const t = ms - day * 86400_000;
      const sec = Math.floor(t / 1000);
      const time = `${pad2[Math.floor(sec / 3600)]}:${pad2[Math.floor(sec / 60) % 60]}:${pad2[sec % 60]}`;
      return sqlite ? `'${prefix} ${time}.${String(t % 1000).padStart(3, '0')}'` : `'${prefix} ${time}'`;
    },
    exact(ms) {
      return `${this.date(ms).slice(0, 20)}.${String(ms % 1000).padStart(3, '0')}000'`;
    },
  };
}

/**
 * A connection that runs INSERT statements one after another while the caller builds the next
 * ones, committing every `commitEvery` statements. Errors surface at the next `settle`.
 */
class Lane {
  private queue: Promise<void> = Promise.resolve();
  /** Completion of each queued statement, oldest first (they run in order). */
  private pending: Array<Promise<void>> = [];
  private sinceCommit = 0;
  private error: unknown = null;

  constructor(
    private readonly exec: Exec,
    private readonly commitEvery: number,
  ) {}

  push(sql: string): void {
    const done = this.queue.then(async () => {
      try {
        if (this.error) {
          return;
        }
        if (this.sinceCommit === 0) {
          await this.exec('BEGIN');
        }
        await this.exec(sql);
        if (++this.sinceCommit >= this.commitEvery) {
          await this.exec('COMMIT');
          this.sinceCommit = 0;
        }
      } catch (e) {
        this.error ??= e;
      } finally {
        void this.pending.shift();
      }
    });
    this.pending.push(done);
    this.queue = done;
  }

  /** Waits until at most `max` statements are queued (back-pressure), then rethrows a failure. */
  async settle(max = 0): Promise<void> {
    while (this.pending.length > max) {
      await this.pending[0];
    }
    if (this.error) {
      throw this.error;
    }
  }

  async finish(): Promise<void> {
    await this.settle(0);
    if (this.sinceCommit > 0) {
      await this.exec('COMMIT');
      this.sinceCommit = 0;
    }
  }
}

/** Collects VALUES tuples for one table and hands full statements to a lane. */
class Batch {
  private tuples: string[] = [];
  count = 0;

  constructor(
    private readonly lane: Lane,
    private readonly head: string,
    private readonly size: number,
  ) {}

  add(tuple: string): void {
    this.tuples.push(tuple);
    this.count++;
    if (this.tuples.length >= this.size) {
      this.flush();
    }
  }

  flush(): void {
    if (this.tuples.length) {
      this.lane.push(`${this.head} VALUES ${this.tuples.join(',')}`);
      this.tuples = [];
    }
  }
}

/** Runs one SQL text (no parameters) on a bulk connection. */
type Exec = (sql: string) => Promise<unknown>;

/**
 * Connections for the load. MySQL: `n` dedicated mysql2 connections with unique and foreign-key
 * checks off and no client-side placeholder scan (the statements carry literals only; scanning
 * megabytes of SQL for `?` cost more than building it). SQLite: the DataSource's one connection
 * with `synchronous=OFF` and an in-memory journal until `close`, which restores both.
 */
async function openBulkConnections(ds: DataSource, n: number): Promise<{ exec: Exec[]; close(): Promise<void> }> {
  if (ds.options.type === 'better-sqlite3') {
    const db = (ds.driver as unknown as { databaseConnection: { exec(sql: string): void } }).databaseConnection;
    const [{ synchronous }] = (await ds.query('PRAGMA synchronous')) as Array<{ synchronous: number }>;
    const [{ journal_mode: journal }] = (await ds.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
    await ds.query('PRAGMA synchronous = OFF');
    await ds.query('PRAGMA journal_mode = MEMORY');
    return {
      exec: [async (sql) => db.exec(sql)],
      close: async () => {
        await ds.query(`PRAGMA journal_mode = ${journal}`);
        await ds.query(`PRAGMA synchronous = ${synchronous}`);
      },
    };
  }
  const o = ds.options as { host?: string; port?: number; username?: string; password?: string; database?: string };
  const conns = await Promise.all(
    Array.from({ length: n }, () =>
      createConnection({
        host: o.host,
        port: o.port,
        user: o.username,
        password: o.password,
        database: o.database,
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
        queryFormat: (sql: string) => sql,
      }),
    ),
  );
  for (const c of conns) {
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
  }
  return { exec: conns.map((c) => (sql: string) => c.query(sql)), close: async () => void (await Promise.all(conns.map((c) => c.end()))) };
}

/**
 * Recomputes the member counters of the seeded orgs from their memberships with one scan
 * (rebuildMemberCounters per org costs a PK lookup per member to test the exclusion flag).
 * Same rule: enabled = active, inactive = not active, seats = active and not excluded.
 */
async function rebuildSeededCounters(ds: DataSource, fromOrg: number, toOrg: number): Promise<void> {
  const counts = (await ds.query(
    `SELECT orgId, SUM(isActive) AS enabled, SUM(1 - isActive) AS inactive,
            SUM(CASE WHEN isActive = 1 AND excludeFromMembershipCount = 0 THEN 1 ELSE 0 END) AS seats
       FROM memberships WHERE orgId BETWEEN ? AND ? GROUP BY orgId`,
    [fromOrg, toOrg],
  )) as Array<{ orgId: number; enabled: number | string; inactive: number | string; seats: number | string }>;
  await ds.transaction(async (tx) => {
    for (const c of counts) {
      await tx.query('UPDATE orgs SET enabledCount = ?, inactiveCount = ?, seatCount = ? WHERE id = ?', [
        Number(c.enabled),
        Number(c.inactive),
        Number(c.seats),
        c.orgId,
      ]);
    }
  });
}

async function maxId(ds: DataSource, table: string): Promise<number> {
  const rows = (await ds.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${table}`)) as Array<{ m: number | string }>;
  return Number(rows[0].m);
}

/**
 * Bulk data for benchmarks, appended to whatever the database holds: `orgs` orgs and `users`
 * users. The first new org is the big tenant (`bigOrgUsers` members, mail domain
 * bigcorp.example); the others share the rest unevenly, and 1% of their users also belong to a
 * second org. The first member of each org is its admin (admin@bench-<orgId>.bench); every user's
 * password is SEED_PASSWORD (one shared argon2id hash). About 5% of members are inactive, 2% opted
 * out of MFA, 1% excluded from the seat count, 25% have a confirmed MFA factor, 15% a role and 35%
 * a group.
 *
 * MFA factors are marked confirmed but carry NO secret (secretCiphertext NULL): nothing can ever
 * verify a code against them, so a seeded member of an enforcing org cannot complete MFA.
 *
 * Speed: explicit ids, multi-row INSERTs of 2,000 rows on two connections (MySQL) while the next
 * statements are built, commits every 25 statements, secondary indexes dropped first and rebuilt
 * once at the end (then checked against the entities), unique and foreign-key checks off on
 * MySQL, `synchronous=OFF` and an in-memory journal on SQLite. Counters are rebuilt at the end.
 */
export async function seedBulk(ds: DataSource, opts: SeedOptions): Promise<SeedReport> {
  const t0 = Date.now();
  const out = opts.out ?? ((line: string) => process.stderr.write(line + '\n'));
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string): void => {
    const now = Date.now();
    phases[name] = (now - mark) / 1000;
    mark = now;
  };
  const sqlite = ds.options.type === 'better-sqlite3';
  const lit = literals(sqlite);
  const random = rng(20261128);
  const skewed = <T>(list: T[]): T => list[Math.floor(list.length * random() ** 1.8)];
  const password = opts.password ?? SEED_PASSWORD;
  const passwordHash = lit.str(await hashPassword(password));
  const bigOrgUsers = Math.min(opts.users, opts.bigOrgUsers ?? Math.floor(opts.users / 5));
  const ids = {
    org: (await maxId(ds, 'orgs')) + 1,
    user: (await maxId(ds, 'users')) + 1,
    membership: (await maxId(ds, 'memberships')) + 1,
    factor: (await maxId(ds, 'mfa_factors')) + 1,
    role: (await maxId(ds, 'roles')) + 1,
    group: (await maxId(ds, 'user_groups')) + 1,
    assignment: (await maxId(ds, 'role_assignments')) + 1,
    groupMember: (await maxId(ds, 'user_group_members')) + 1,
  };
  const now = Date.now();
  const created = lit.date(now);
  const firstMembershipId = ids.membership;

  const conns = await openBulkConnections(ds, sqlite ? 1 : 2);
  const rows: Record<string, number> = {};
  let bigOrgAdmin = '';
  try {
    await dropDeclaredIndexes(ds, INDEXED_TABLES);
    phase('prepare');
    const a = new Lane(conns.exec[0], 25);
    const b = conns.exec.length > 1 ? new Lane(conns.exec[1], 25) : a;
    const BATCH = 2000;
    const batches = {
      orgs: new Batch(a, 'INSERT INTO orgs (id, name, slug, mfaRequired, licensedSeats, createdAt, updatedAt)', BATCH),
      roles: new Batch(a, 'INSERT INTO roles (id, orgId, name, createdAt)', BATCH),
      groups: new Batch(a, 'INSERT INTO user_groups (id, orgId, name, createdAt)', BATCH),
      users: new Batch(a, 'INSERT INTO users (id, email, emailKey, passwordHash, createdAt, updatedAt)', BATCH),
      factors: new Batch(
        a,
        'INSERT INTO mfa_factors (id, membershipId, secretCiphertext, confirmedAt, failedAttempts, createdAt, updatedAt)',
        BATCH,
      ),
      memberships: new Batch(
        b,
        `INSERT INTO memberships (id, orgId, userId, firstName, lastName, language, externalRef, status, isActive, isAdmin, allAccess,
          portalAccess, mfaOptOut, mfaOptOutUntil, mfaOptOutReason, mfaOptOutAt, mfaOptOutByUserId, excludeFromMembershipCount,
          hasAdvancedPermissions, version, nameKey, fullNameKey, emailKey, lastLoginAt, createdAt, updatedAt)`,
        BATCH,
      ),
      assignments: new Batch(b, 'INSERT INTO role_assignments (id, orgId, roleId, userId, assignedAt, removedAt, updatedAt)', BATCH),
      groupMembers: new Batch(b, 'INSERT INTO user_group_members (id, orgId, groupId, userId, addedAt)', BATCH),
    };

    for (let i = 0; i < opts.orgs; i++) {
      const orgId = ids.org + i;
      // The big tenant does not enforce MFA (the benchmark signs in as its admin with a password).
      const mfaRequired = i > 0 && random() < 0.3 ? 1 : 0;
      batches.orgs.add(`(${orgId},'Bench Org ${orgId}','bench-${orgId}',${mfaRequired},NULL,${created},${created})`);
      ROLES.forEach((name, r) => batches.roles.add(`(${ids.role + i * ROLES.length + r},${orgId},'${name}',${created})`));
      GROUPS.forEach((name, g) => batches.groups.add(`(${ids.group + i * GROUPS.length + g},${orgId},'${name}',${created})`));
    }
    batches.orgs.flush();
    batches.roles.flush();
    batches.groups.flush();

    const bar = opts.progress
      ? new SingleBar(
          { format: 'seed |{bar}| {percentage}% {value}/{total} users, {duration}s', stream: process.stderr },
          Presets.shades_classic,
        )
      : null;
    bar?.start(opts.users, 0);
    const otherOrgs = opts.orgs - 1;
    const adminOf = new Map<number, number>();
    const span = 3 * 365 * 86400_000;

    const addMembership = (
      orgIndex: number,
      userId: number,
      u: { first: string; last: string; email: string; ref: string | null },
      since: number,
      login: number | null,
      primary: boolean,
    ): void => {
      const orgId = ids.org + orgIndex;
      // The first primary member of an org is its admin (the one with the admin@ address).
      const orgAdmin = primary && !adminOf.has(orgId);
      const isAdmin = orgAdmin || (orgIndex === 0 && random() < 0.002);
      if (orgAdmin) {
        adminOf.set(orgId, userId);
      }
      const isActive = isAdmin || random() >= 0.05;
      const optOut = !isAdmin && random() < 0.02;
      const optOutUntil = optOut && random() < 0.3 ? lit.exact(now + Math.floor((random() - 0.3) * 60 * 86400_000)) : 'NULL';
      const keys = memberKeys({ firstName: u.first, lastName: u.last, email: u.email });
      const membershipId = ids.membership++;
      batches.memberships.add(
        `(${membershipId},${orgId},${userId},${lit.str(u.first)},${lit.str(u.last)},'en-US',${u.ref === null ? 'NULL' : `'${u.ref}'`},'active',` +
          `${isActive ? 1 : 0},${isAdmin ? 1 : 0},${random() < 0.3 ? 1 : 0},${random() < 0.5 ? 1 : 0},` +
          `${optOut ? 1 : 0},${optOutUntil},${optOut ? "'Hardware token on order'" : 'NULL'},${optOut ? lit.date(since + Math.floor(random() * (now - since))) : 'NULL'},` +
          `${optOut ? (adminOf.get(orgId) ?? 'NULL') : 'NULL'},${random() < 0.01 ? 1 : 0},${!isAdmin && random() < 0.05 ? 1 : 0},1,` +
          `${lit.str(keys.nameKey)},${lit.str(keys.fullNameKey)},${lit.str(keys.emailKey)},${login === null ? 'NULL' : lit.date(login)},` +
          `${lit.date(since)},${lit.date(since)})`,
      );
      // The admin@ account has no factor, so it signs in with its password alone (the benchmark does).
      if (isActive && random() < 0.25 && !orgAdmin) {
        const confirmed = lit.date(since + Math.floor(random() * (now - since)));
        batches.factors.add(`(${ids.factor++},${membershipId},NULL,${confirmed},0,${confirmed},${confirmed})`);
      }
      if (random() < 0.15) {
        const assigned = since + Math.floor(random() * (now - since));
        const removed = random() < 0.1 ? assigned + Math.floor(random() * (now - assigned)) : null;
        const roleId = ids.role + orgIndex * ROLES.length + Math.floor(random() * ROLES.length);
        batches.assignments.add(
          `(${ids.assignment++},${orgId},${roleId},${userId},${lit.exact(assigned)},${removed === null ? 'NULL' : lit.exact(removed)},` +
            `${lit.exact(removed ?? assigned)})`,
        );
      }
      if (random() < 0.35) {
        const groupId = ids.group + orgIndex * GROUPS.length + Math.floor(random() * GROUPS.length);
        batches.groupMembers.add(`(${ids.groupMember++},${orgId},${groupId},${userId},${lit.date(since)})`);
      }
    };

    for (let k = 0; k < opts.users; k++) {
      const userId = ids.user + k;
      // Uneven spread over the other orgs: low-numbered orgs are bigger.
      const orgIndex = k < bigOrgUsers || otherOrgs === 0 ? 0 : 1 + Math.floor(otherOrgs * random() ** 1.5);
      const orgId = ids.org + orgIndex;
      const first = skewed(FIRST);
      const last = skewed(LAST);
      const email = !adminOf.has(orgId)
        ? `admin@bench-${orgId}.bench`
        : `${first}.${last}.${userId.toString(36)}@${orgIndex === 0 ? BIG_ORG_DOMAIN : `org${orgId}.example`}`
            .toLowerCase()
            .replace(/[^a-z0-9.@]/g, '');
      if (orgIndex === 0 && !bigOrgAdmin) {
        bigOrgAdmin = email;
      }
      const since = now - Math.floor(random() * span);
      const login = random() < 0.8 ? since + Math.floor(random() * (now - since)) : null;
      batches.users.add(`(${userId},'${email}','${email}',${passwordHash},${lit.date(since)},${lit.date(since)})`);
      // Each org keeps its own reference for the person (unique within that org).
      addMembership(orgIndex, userId, { first, last, email, ref: random() < 0.5 ? `HR-${userId}` : null }, since, login, true);
      if (orgIndex > 0 && otherOrgs > 1 && random() < 0.01) {
        const second = 1 + ((orgIndex + Math.floor(random() * (otherOrgs - 1))) % otherOrgs);
        addMembership(
          second,
          userId,
          { first, last, email, ref: null },
          since,
          login ? since + Math.floor(random() * (now - since)) : null,
          false,
        );
      }
      if (k % 10_000 === 9_999) {
        // Back-pressure: keep at most a few statements queued per connection.
        await a.settle(3);
        await b.settle(3);
        bar?.update(k + 1);
      }
    }
    for (const batch of Object.values(batches)) {
      batch.flush();
    }
    await a.finish();
    await b.finish();
    bar?.update(opts.users);
    bar?.stop();
    for (const [name, batch] of Object.entries(batches)) {
      rows[name] = batch.count;
    }
    phase('load');
  } finally {
    out('seed: rebuilding indexes…');
    try {
      await rebuildDeclaredIndexes(ds, INDEXED_TABLES, conns.exec);
    } finally {
      await conns.close();
    }
  }
  await assertIndexesAsDeclared(ds, INDEXED_TABLES);
  phase('indexes');
  await backfillSearchPrefixes((sql) => ds.query(sql), sqlite ? 'sqlite' : 'mysql', firstMembershipId);
  phase('search index');

  await rebuildSeededCounters(ds, ids.org, ids.org + opts.orgs - 1);
  // Half of the small orgs have a seat limit a little above their current seat count.
  await ds.query(`UPDATE orgs SET licensedSeats = seatCount + 25 WHERE id > ? AND id < ? AND id % 2 = 0`, [ids.org, ids.org + opts.orgs]);
  phase('counters');
  await ds.query(sqlite ? 'ANALYZE' : `ANALYZE TABLE orgs, member_search_prefixes, ${INDEXED_TABLES.join(', ')}`);
  phase('analyze');

  const seconds = (Date.now() - t0) / 1000;
  return {
    seconds,
    phases,
    orgs: opts.orgs,
    users: opts.users,
    rows,
    bigOrg: { id: ids.org, slug: `bench-${ids.org}`, adminEmail: bigOrgAdmin, members: bigOrgUsers },
    password,
  };
}

import { SingleBar, Presets } from 'cli-progress';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../security/password';
import { backfillSearchPrefixes, memberKeys } from '../services/members/member-keys';
import { assertIndexesAsDeclared, dropDeclaredIndexes, rebuildDeclaredIndexes } from './bulk-indexes';
import { Batch, Lane, maxId, openBulkConnections } from './bulk-load';
import { BIG_ORG_DOMAIN, FIRST, GROUPS, LAST, ROLES, literals, rng } from './seed-data';

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

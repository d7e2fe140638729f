import { SingleBar, Presets } from 'cli-progress';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../security/password';
import { memberKeys } from '../services/member-keys';
import { rebuildMemberCounters } from '../services/member-counters';

export interface SeedOptions {
  orgs: number;
  users: number;
  /** Members of the first org (the big tenant); default 20% of users. */
  bigOrgUsers?: number;
  progress?: boolean;
  /** Password of every seeded user (they share one hash: hashing 1M passwords would take hours). */
  password?: string;
}

export const SEED_PASSWORD = 'bench-password-2026';

const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Christopher',
  'Lisa',
  'Daniel',
  'Nancy',
  'Matthew',
  'Betty',
  'Anthony',
  'Sandra',
  'Mark',
  'Margaret',
  'Donald',
  'Ashley',
  'Steven',
  'Kimberly',
  'Andrew',
  'Emily',
  'Paul',
  'Donna',
  'Joshua',
  'Michelle',
  'Kenneth',
  'Carol',
  'Kevin',
  'Amanda',
  'Brian',
  'Melissa',
  'George',
  'Deborah',
  'Timothy',
  'Stephanie',
  'Valentina',
  'Mateo',
  'Sofia',
  'Lucas',
  'Chloe',
  'Noah',
  'Zoe',
  'Liam',
  'Aiko',
  'Ravi',
  'Priya',
  'Wei',
  'Olga',
  'Ingrid',
  'Kwame',
  'Amara',
  'Yusuf',
  'Leila',
  'Hiro',
  'Mei',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Okafor',
  'Kowalski',
  'Novak',
  'Yamamoto',
  'Tanaka',
  'Singh',
  'Patel',
  'Khan',
  'Muller',
  'Schmidt',
  'Rossi',
  'Dubois',
  'Silva',
  'Santos',
  'Ivanov',
  'Larsen',
  'Jensen',
  'Murphy',
  "O'Brien",
  'Kelly',
];

/** Deterministic pseudo-random numbers so that two seeds of the same size are the same data set. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sqlDate(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

async function insertRows(ds: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const one = `(${columns.map(() => '?').join(',')})`;
  await ds.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${rows.map(() => one).join(',')}`, rows.flat());
}

/**
 * Bulk data for benchmarks: `orgs` orgs, `users` users each with one membership, the first org
 * holding `bigOrgUsers` of them. Multi-row INSERTs in transactions of 1000 rows. The first
 * member of each org is an admin (email admin@<slug>.bench) with SEED_PASSWORD.
 */
export async function seedBulk(ds: DataSource, opts: SeedOptions): Promise<void> {
  const started = Date.now();
  const random = rng(20261128);
  const password = opts.password ?? SEED_PASSWORD;
  const passwordHash = await hashPassword(password);
  const bigOrgUsers = Math.min(opts.users, opts.bigOrgUsers ?? Math.floor(opts.users / 5));
  const firstOrgId = Number((await ds.query('SELECT COALESCE(MAX(id), 0) AS m FROM orgs'))[0].m) + 1;
  const firstUserId = Number((await ds.query('SELECT COALESCE(MAX(id), 0) AS m FROM users'))[0].m) + 1;
  const firstMembershipId = Number((await ds.query('SELECT COALESCE(MAX(id), 0) AS m FROM memberships'))[0].m) + 1;
  const firstRoleId = Number((await ds.query('SELECT COALESCE(MAX(id), 0) AS m FROM roles'))[0].m) + 1;
  const now = new Date();
  const runTag = firstOrgId.toString(36);

  const orgRows: unknown[][] = [];
  const roleRows: unknown[][] = [];
  for (let i = 0; i < opts.orgs; i++) {
    const id = firstOrgId + i;
    orgRows.push([id, `Bench Org ${id}`, `bench-${id}`, 0, null, sqlDate(now), sqlDate(now)]);
    roleRows.push([firstRoleId + 2 * i, id, 'Auditor', sqlDate(now)], [firstRoleId + 2 * i + 1, id, 'Risk Owner', sqlDate(now)]);
  }
  for (let i = 0; i < orgRows.length; i += 1000) {
    await insertRows(
      ds,
      'orgs',
      ['id', 'name', 'slug', 'mfaRequired', 'licensedSeats', 'createdAt', 'updatedAt'],
      orgRows.slice(i, i + 1000),
    );
    await insertRows(ds, 'roles', ['id', 'orgId', 'name', 'createdAt'], roleRows.slice(2 * i, 2 * i + 2000));
  }

  const bar = opts.progress
    ? new SingleBar({ format: 'seed |{bar}| {percentage}% {value}/{total} users {duration}s' }, Presets.shades_classic)
    : null;
  bar?.start(opts.users, 0);
  const BATCH = 1000;
  const otherOrgs = Math.max(1, opts.orgs - 1);
  const seenInOrg = new Map<number, number>();
  for (let start = 0; start < opts.users; start += BATCH) {
    const users: unknown[][] = [];
    const members: unknown[][] = [];
    const assignments: unknown[][] = [];
    for (let k = start; k < Math.min(opts.users, start + BATCH); k++) {
      const userId = firstUserId + k;
      const orgIndex = k < bigOrgUsers || opts.orgs === 1 ? 0 : 1 + ((k - bigOrgUsers) % otherOrgs);
      const orgId = firstOrgId + orgIndex;
      const nth = seenInOrg.get(orgId) ?? 0;
      seenInOrg.set(orgId, nth + 1);
      const first = FIRST[Math.floor(random() * FIRST.length)];
      const last = LAST[Math.floor(random() * LAST.length)];
      const isAdmin = nth === 0;
      const email = isAdmin
        ? `admin@bench-${orgId}.bench`
        : `${first}.${last}.${userId}.${runTag}@example.bench`.replace(/'/g, '').toLowerCase();
      const keys = memberKeys({ firstName: first, lastName: last, email });
      const created = new Date(now.getTime() - Math.floor(random() * 3 * 365 * 86400_000));
      const lastLogin =
        random() < 0.8 ? sqlDate(new Date(created.getTime() + Math.floor(random() * (now.getTime() - created.getTime())))) : null;
      const isActive = isAdmin || random() >= 0.05;
      const optOut = !isAdmin && random() < 0.02;
      users.push([
        userId,
        null,
        first,
        last,
        email,
        email,
        'en-US',
        isAdmin ? passwordHash : passwordHash,
        lastLogin,
        sqlDate(created),
        sqlDate(created),
      ]);
      members.push([
        firstMembershipId + k,
        orgId,
        userId,
        isActive ? 1 : 0,
        isAdmin ? 1 : 0,
        random() < 0.3 ? 1 : 0,
        random() < 0.5 ? 1 : 0,
        optOut ? 1 : 0,
        optOut ? sqlDate(now) : null,
        random() < 0.01 ? 1 : 0,
        1,
        keys.nameKey,
        keys.fullNameKey,
        keys.emailKey,
        lastLogin,
        sqlDate(created),
        sqlDate(created),
      ]);
      if (random() < 0.05) {
        assignments.push([orgId, firstRoleId + 2 * orgIndex + (k % 2), userId, sqlDate(created), sqlDate(created)]);
      }
    }
    await ds.transaction(async (m) => {
      const q = m.queryRunner!;
      const one = (cols: number): string => `(${Array(cols).fill('?').join(',')})`;
      await q.query(
        `INSERT INTO users (id, externalRef, firstName, lastName, email, emailKey, language, passwordHash, lastLoginAt, createdAt, updatedAt) VALUES ${users.map(() => one(11)).join(',')}`,
        users.flat(),
      );
      await q.query(
        `INSERT INTO memberships (id, orgId, userId, isActive, isAdmin, allAccess, portalAccess, mfaOptOut, mfaOptOutAt, excludeFromMembershipCount, version, nameKey, fullNameKey, emailKey, lastLoginAt, createdAt, updatedAt) VALUES ${members.map(() => one(17)).join(',')}`,
        members.flat(),
      );
      if (assignments.length) {
        await q.query(
          `INSERT INTO role_assignments (orgId, roleId, userId, assignedAt, updatedAt) VALUES ${assignments.map(() => one(5)).join(',')}`,
          assignments.flat(),
        );
      }
    });
    bar?.update(Math.min(opts.users, start + BATCH));
  }
  bar?.stop();
  for (let i = 0; i < opts.orgs; i++) {
    await rebuildMemberCounters(ds.manager, firstOrgId + i);
  }
  process.stdout.write(
    `Seeded ${opts.orgs} orgs and ${opts.users} users (big org bench-${firstOrgId}: ${bigOrgUsers} members) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n` +
      `Admins: admin@bench-<orgId>.bench, password ${password}\n`,
  );
}

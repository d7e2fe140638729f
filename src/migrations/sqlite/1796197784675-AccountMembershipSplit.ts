import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One table rebuild: its new shape, which rows go in, the indexes it loses and gains. */
interface Rebuild {
  table: string;
  columns: string;
  /** The columns the copy fills. */
  copy: string;
  /** Where they come from (default: the same columns of the old table). */
  select?: string;
  drop: string[];
  create: string[];
}

/**
 * SQLite cannot change a column in place: the table is built anew in its final shape, the rows
 * copied, the new table swapped in and its indexes made.
 */
async function rebuild(q: QueryRunner, t: Rebuild): Promise<void> {
  for (const name of t.drop) {
    await q.query(`DROP INDEX "${name}"`);
  }
  await q.query(`CREATE TABLE "temporary_${t.table}" (${t.columns})`);
  await q.query(`INSERT INTO "temporary_${t.table}"(${t.copy}) ${t.select ?? `SELECT ${t.copy} FROM "${t.table}"`}`);
  await q.query(`DROP TABLE "${t.table}"`);
  await q.query(`ALTER TABLE "temporary_${t.table}" RENAME TO "${t.table}"`);
  for (const create of t.create) {
    await q.query(create);
  }
}

const MEMBERSHIP_INDEXES = [
  'CREATE UNIQUE INDEX "UQ_memberships_org_user" ON "memberships" ("orgId", "userId") ',
  'CREATE INDEX "IDX_memberships_user" ON "memberships" ("userId") ',
  'CREATE INDEX "IDX_memberships_org_name" ON "memberships" ("orgId", "nameKey", "userId") ',
  'CREATE INDEX "IDX_memberships_org_fullname" ON "memberships" ("orgId", "fullNameKey", "userId") ',
  'CREATE INDEX "IDX_memberships_org_email" ON "memberships" ("orgId", "emailKey", "userId") ',
  'CREATE INDEX "IDX_memberships_org_lastlogin" ON "memberships" ("orgId", "lastLoginAt", "userId") ',
  'CREATE INDEX "IDX_memberships_org_created" ON "memberships" ("orgId", "createdAt", "userId") ',
  'CREATE INDEX "IDX_memberships_org_active_name" ON "memberships" ("orgId", "isActive", "nameKey", "userId") ',
];
const MEMBERSHIP_UNIQUES = [
  'CREATE UNIQUE INDEX "UQ_memberships_org_emailKey" ON "memberships" ("orgId", "emailKey") ',
  'CREATE UNIQUE INDEX "UQ_memberships_org_externalRef" ON "memberships" ("orgId", "externalRef") ',
];
const nameOf = (create: string): string => /INDEX "(\w+)"/.exec(create)![1];

/** The membership columns both shapes have. */
const MEMBERSHIP_COLUMNS =
  '"id", "orgId", "userId", "isActive", "isAdmin", "allAccess", "portalAccess", "mfaOptOut", "mfaOptOutUntil", "mfaOptOutReason", "mfaOptOutAt", "mfaOptOutByUserId", "excludeFromMembershipCount", "hasAdvancedPermissions", "version", "nameKey", "fullNameKey", "emailKey", "lastLoginAt", "createdAt", "updatedAt"';
const MEMBERSHIP_TABLE = `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "orgId" integer NOT NULL, "userId" integer NOT NULL, "isActive" boolean NOT NULL DEFAULT (1), "isAdmin" boolean NOT NULL DEFAULT (0), "allAccess" boolean NOT NULL DEFAULT (0), "portalAccess" boolean NOT NULL DEFAULT (0), "mfaOptOut" boolean NOT NULL DEFAULT (0), "mfaOptOutUntil" datetime, "mfaOptOutReason" varchar(500), "mfaOptOutAt" datetime, "mfaOptOutByUserId" integer, "excludeFromMembershipCount" boolean NOT NULL DEFAULT (0), "hasAdvancedPermissions" boolean NOT NULL DEFAULT (0), "version" integer NOT NULL DEFAULT (1), "nameKey" varchar(201) NOT NULL, "fullNameKey" varchar(201) NOT NULL, "emailKey" varchar(254) NOT NULL, "lastLoginAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now'))`;
const MEMBERSHIP_PROFILE = `"firstName" varchar(100) NOT NULL, "lastName" varchar(100) NOT NULL, "language" varchar(35) NOT NULL DEFAULT ('en-US'), "externalRef" varchar(191), "status" varchar(16) NOT NULL DEFAULT ('active'), "inviteEmail" varchar(254), "invitedAt" datetime, "invitedByUserId" integer`;

const USERS_COLUMNS = '"id", "email", "emailKey", "passwordHash", "createdAt", "updatedAt", "deletedAt"';
const USERS_TABLE = `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar(254), "emailKey" varchar(254), "passwordHash" varchar(255), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "deletedAt" datetime`;
const OLD_USERS_TABLE = `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "externalRef" varchar(191), "firstName" varchar(100) NOT NULL, "lastName" varchar(100) NOT NULL, "email" varchar(254) NOT NULL, "emailKey" varchar(254) NOT NULL, "language" varchar(35) NOT NULL DEFAULT ('en-US'), "passwordHash" varchar(255), "lastLoginAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "deletedAt" datetime`;

const ORGS_COLUMNS = '"id", "name", "slug", "mfaRequired", "licensedSeats", "enabledCount", "inactiveCount", "seatCount", "createdAt", "updatedAt"';
const ORGS_TABLE = `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(200) NOT NULL, "slug" varchar(64) NOT NULL, "mfaRequired" boolean NOT NULL DEFAULT (0), "licensedSeats" integer, "enabledCount" integer NOT NULL DEFAULT (0), "inactiveCount" integer NOT NULL DEFAULT (0), "seatCount" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now'))`;
const ORGS_INDEXES = ['CREATE UNIQUE INDEX "UQ_orgs_slug" ON "orgs" ("slug") '];

const TOKENS_COLUMNS = '"id", "userId", "tokenHash", "purpose", "expiresAt", "usedAt", "createdAt"';
const TOKENS_TABLE = `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "userId" integer NOT NULL, "tokenHash" varchar(64) NOT NULL, "purpose" varchar(20) NOT NULL, "expiresAt" datetime NOT NULL, "usedAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now'))`;
const TOKENS_INDEXES = [
  'CREATE UNIQUE INDEX "UQ_password_tokens_hash" ON "password_tokens" ("tokenHash") ',
  'CREATE INDEX "IDX_password_tokens_user" ON "password_tokens" ("userId") ',
];

/** Column references of alias `a`. */
const of = (a: string, cols: string): string => cols.replace(/"(\w+)"/g, `${a}."$1"`);

/**
 * docs/product.md §1 and rule 3a: what an org knows about a person moves from the shared account
 * onto each membership. Every membership of a user gets that user's names, language and
 * externalRef (externalRef was unique across all orgs, so it is unique within each org) and keeps
 * its copy of lastLoginAt, which becomes the only one; every existing membership is 'active'.
 * Then the columns leave the account, and an account's email may be null (an unclaimed account
 * made for an invitation). Each table is rebuilt once, in its final shape, with its rows copied.
 * Self-contained: it touches no column another migration adds.
 */
export class AccountMembershipSplitSqlite1796197784675 implements MigrationInterface {
  name = 'AccountMembershipSplitSqlite1796197784675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, {
      table: 'memberships',
      columns: `${MEMBERSHIP_TABLE}, ${MEMBERSHIP_PROFILE}`,
      copy: `${MEMBERSHIP_COLUMNS}, "firstName", "lastName", "language", "externalRef", "status"`,
      select: `SELECT ${of('m', MEMBERSHIP_COLUMNS)}, COALESCE(u."firstName", ''), COALESCE(u."lastName", ''),
                      COALESCE(u."language", 'en-US'), u."externalRef", 'active'
                 FROM "memberships" m LEFT JOIN "users" u ON u."id" = m."userId"`,
      drop: MEMBERSHIP_INDEXES.map(nameOf),
      create: [...MEMBERSHIP_INDEXES, ...MEMBERSHIP_UNIQUES],
    });
    await rebuild(queryRunner, {
      table: 'users',
      columns: USERS_TABLE,
      copy: USERS_COLUMNS,
      drop: ['UQ_users_externalRef', 'UQ_users_emailKey'],
      create: ['CREATE UNIQUE INDEX "UQ_users_emailKey" ON "users" ("emailKey") '],
    });
    await rebuild(queryRunner, {
      table: 'orgs',
      columns: `${ORGS_TABLE}, "invitedCount" integer NOT NULL DEFAULT (0)`,
      copy: ORGS_COLUMNS,
      drop: ORGS_INDEXES.map(nameOf),
      create: ORGS_INDEXES,
    });
    await rebuild(queryRunner, {
      table: 'password_tokens',
      columns: `${TOKENS_TABLE}, "membershipId" integer, "newEmail" varchar(254)`,
      copy: TOKENS_COLUMNS,
      drop: TOKENS_INDEXES.map(nameOf),
      create: TOKENS_INDEXES,
    });
  }

  /**
   * Back to one profile per account (best effort, for a rollback): pending invitations are
   * dropped, each account takes the profile of its oldest membership and its latest sign-in, and
   * an externalRef that two orgs now use for different people is cleared.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, { table: 'password_tokens', columns: TOKENS_TABLE, copy: TOKENS_COLUMNS, drop: TOKENS_INDEXES.map(nameOf), create: TOKENS_INDEXES });
    await rebuild(queryRunner, { table: 'orgs', columns: ORGS_TABLE, copy: ORGS_COLUMNS, drop: ORGS_INDEXES.map(nameOf), create: ORGS_INDEXES });
    await queryRunner.query('DELETE FROM "memberships" WHERE "status" = \'invited\'');
    const first = (col: string): string => `(SELECT x."${col}" FROM "memberships" x WHERE x."userId" = u."id" ORDER BY x."id" LIMIT 1)`;
    await rebuild(queryRunner, {
      table: 'users',
      columns: OLD_USERS_TABLE,
      copy: '"id", "externalRef", "firstName", "lastName", "email", "emailKey", "language", "passwordHash", "lastLoginAt", "createdAt", "updatedAt", "deletedAt"',
      select: `SELECT u."id", ${first('externalRef')}, COALESCE(${first('firstName')}, ''), COALESCE(${first('lastName')}, ''),
                      COALESCE(u."email", 'unclaimed-' || u."id"), COALESCE(u."emailKey", 'unclaimed-' || u."id"), COALESCE(${first('language')}, 'en-US'),
                      u."passwordHash", (SELECT MAX(y."lastLoginAt") FROM "memberships" y WHERE y."userId" = u."id"), u."createdAt", u."updatedAt",
                      CASE WHEN u."emailKey" IS NULL THEN COALESCE(u."deletedAt", datetime('now')) ELSE u."deletedAt" END
                 FROM "users" u`,
      drop: ['UQ_users_emailKey'],
      create: [],
    });
    await queryRunner.query(
      'UPDATE "users" SET "externalRef" = NULL WHERE "externalRef" IN (SELECT "externalRef" FROM "users" WHERE "externalRef" IS NOT NULL GROUP BY "externalRef" HAVING COUNT(*) > 1)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_externalRef" ON "users" ("externalRef") ');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_emailKey" ON "users" ("emailKey") ');
    await rebuild(queryRunner, {
      table: 'memberships',
      columns: MEMBERSHIP_TABLE,
      copy: MEMBERSHIP_COLUMNS,
      drop: [...MEMBERSHIP_UNIQUES, ...MEMBERSHIP_INDEXES].map(nameOf),
      create: MEMBERSHIP_INDEXES,
    });
  }
}

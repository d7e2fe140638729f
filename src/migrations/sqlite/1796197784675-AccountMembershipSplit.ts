import type { MigrationInterface, QueryRunner } from 'typeorm';

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
const MEMBERSHIP_INDEX_NAMES = MEMBERSHIP_INDEXES.map((q) => /INDEX "(\w+)"/.exec(q)![1]);

/** The membership columns both shapes have. */
const MEMBERSHIP_COLUMNS =
  '"id", "orgId", "userId", "isActive", "isAdmin", "allAccess", "portalAccess", "mfaOptOut", "mfaOptOutUntil", "mfaOptOutReason", "mfaOptOutAt", "mfaOptOutByUserId", "excludeFromMembershipCount", "hasAdvancedPermissions", "version", "nameKey", "fullNameKey", "emailKey", "lastLoginAt", "createdAt", "updatedAt"';
const m = (cols: string): string => cols.replace(/"(\w+)"/g, 'm."$1"');

/**
 * docs/product.md §1 and rule 3a: what an org knows about a person moves from the shared account
 * onto each membership. Every membership of a user gets that user's names, language and
 * externalRef (externalRef was unique across all orgs, so it is unique within each org) and keeps
 * its copy of lastLoginAt, which becomes the only one; every existing membership is 'active'.
 * Then the columns leave the account, and an account's email may be null (an unclaimed account
 * made for an invitation). SQLite cannot change a column in place: each table is rebuilt once,
 * in its final shape, with its rows copied. Self-contained: it touches no column another
 * migration adds.
 */
export class AccountMembershipSplitSqlite1796197784675 implements MigrationInterface {
  name = 'AccountMembershipSplitSqlite1796197784675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const name of MEMBERSHIP_INDEX_NAMES) {
      await queryRunner.query(`DROP INDEX "${name}"`);
    }
    await queryRunner.query(
      `CREATE TABLE "temporary_memberships" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "orgId" integer NOT NULL, "userId" integer NOT NULL, "isActive" boolean NOT NULL DEFAULT (1), "isAdmin" boolean NOT NULL DEFAULT (0), "allAccess" boolean NOT NULL DEFAULT (0), "portalAccess" boolean NOT NULL DEFAULT (0), "mfaOptOut" boolean NOT NULL DEFAULT (0), "mfaOptOutUntil" datetime, "mfaOptOutReason" varchar(500), "mfaOptOutAt" datetime, "mfaOptOutByUserId" integer, "excludeFromMembershipCount" boolean NOT NULL DEFAULT (0), "hasAdvancedPermissions" boolean NOT NULL DEFAULT (0), "version" integer NOT NULL DEFAULT (1), "nameKey" varchar(201) NOT NULL, "fullNameKey" varchar(201) NOT NULL, "emailKey" varchar(254) NOT NULL, "lastLoginAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "firstName" varchar(100) NOT NULL, "lastName" varchar(100) NOT NULL, "language" varchar(35) NOT NULL DEFAULT ('en-US'), "externalRef" varchar(191), "status" varchar(16) NOT NULL DEFAULT ('active'), "inviteEmail" varchar(254), "invitedAt" datetime, "invitedByUserId" integer)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_memberships"(${MEMBERSHIP_COLUMNS}, "firstName", "lastName", "language", "externalRef", "status")
       SELECT ${m(MEMBERSHIP_COLUMNS)}, COALESCE(u."firstName", ''), COALESCE(u."lastName", ''), COALESCE(u."language", 'en-US'), u."externalRef", 'active'
         FROM "memberships" m LEFT JOIN "users" u ON u."id" = m."userId"`,
    );
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('ALTER TABLE "temporary_memberships" RENAME TO "memberships"');
    for (const q of MEMBERSHIP_INDEXES) {
      await queryRunner.query(q);
    }
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_memberships_org_emailKey" ON "memberships" ("orgId", "emailKey") ');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_memberships_org_externalRef" ON "memberships" ("orgId", "externalRef") ');

    await queryRunner.query('DROP INDEX "UQ_users_externalRef"');
    await queryRunner.query('DROP INDEX "UQ_users_emailKey"');
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar(254), "emailKey" varchar(254), "passwordHash" varchar(255), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "deletedAt" datetime)`,
    );
    await queryRunner.query(
      'INSERT INTO "temporary_users"("id", "email", "emailKey", "passwordHash", "createdAt", "updatedAt", "deletedAt") SELECT "id", "email", "emailKey", "passwordHash", "createdAt", "updatedAt", "deletedAt" FROM "users"',
    );
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('ALTER TABLE "temporary_users" RENAME TO "users"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_emailKey" ON "users" ("emailKey") ');

    await queryRunner.query('DROP INDEX "UQ_orgs_slug"');
    await queryRunner.query(
      `CREATE TABLE "temporary_orgs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(200) NOT NULL, "slug" varchar(64) NOT NULL, "mfaRequired" boolean NOT NULL DEFAULT (0), "licensedSeats" integer, "enabledCount" integer NOT NULL DEFAULT (0), "inactiveCount" integer NOT NULL DEFAULT (0), "seatCount" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "invitedCount" integer NOT NULL DEFAULT (0))`,
    );
    await queryRunner.query(
      'INSERT INTO "temporary_orgs"("id", "name", "slug", "mfaRequired", "licensedSeats", "enabledCount", "inactiveCount", "seatCount", "createdAt", "updatedAt") SELECT "id", "name", "slug", "mfaRequired", "licensedSeats", "enabledCount", "inactiveCount", "seatCount", "createdAt", "updatedAt" FROM "orgs"',
    );
    await queryRunner.query('DROP TABLE "orgs"');
    await queryRunner.query('ALTER TABLE "temporary_orgs" RENAME TO "orgs"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_orgs_slug" ON "orgs" ("slug") ');

    await queryRunner.query('DROP INDEX "IDX_password_tokens_user"');
    await queryRunner.query('DROP INDEX "UQ_password_tokens_hash"');
    await queryRunner.query(
      `CREATE TABLE "temporary_password_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "userId" integer NOT NULL, "tokenHash" varchar(64) NOT NULL, "purpose" varchar(20) NOT NULL, "expiresAt" datetime NOT NULL, "usedAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "membershipId" integer, "newEmail" varchar(254))`,
    );
    await queryRunner.query(
      'INSERT INTO "temporary_password_tokens"("id", "userId", "tokenHash", "purpose", "expiresAt", "usedAt", "createdAt") SELECT "id", "userId", "tokenHash", "purpose", "expiresAt", "usedAt", "createdAt" FROM "password_tokens"',
    );
    await queryRunner.query('DROP TABLE "password_tokens"');
    await queryRunner.query('ALTER TABLE "temporary_password_tokens" RENAME TO "password_tokens"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_password_tokens_hash" ON "password_tokens" ("tokenHash") ');
    await queryRunner.query('CREATE INDEX "IDX_password_tokens_user" ON "password_tokens" ("userId") ');
  }

  /**
   * Back to one profile per account (best effort, for a rollback): pending invitations are
   * dropped, each account takes the profile of its oldest membership and its latest sign-in, and
   * an externalRef that two orgs now use for different people is cleared.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_password_tokens_user"');
    await queryRunner.query('DROP INDEX "UQ_password_tokens_hash"');
    await queryRunner.query(
      `CREATE TABLE "temporary_password_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "userId" integer NOT NULL, "tokenHash" varchar(64) NOT NULL, "purpose" varchar(20) NOT NULL, "expiresAt" datetime NOT NULL, "usedAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      'INSERT INTO "temporary_password_tokens"("id", "userId", "tokenHash", "purpose", "expiresAt", "usedAt", "createdAt") SELECT "id", "userId", "tokenHash", "purpose", "expiresAt", "usedAt", "createdAt" FROM "password_tokens"',
    );
    await queryRunner.query('DROP TABLE "password_tokens"');
    await queryRunner.query('ALTER TABLE "temporary_password_tokens" RENAME TO "password_tokens"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_password_tokens_hash" ON "password_tokens" ("tokenHash") ');
    await queryRunner.query('CREATE INDEX "IDX_password_tokens_user" ON "password_tokens" ("userId") ');

    await queryRunner.query('DROP INDEX "UQ_orgs_slug"');
    await queryRunner.query(
      `CREATE TABLE "temporary_orgs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(200) NOT NULL, "slug" varchar(64) NOT NULL, "mfaRequired" boolean NOT NULL DEFAULT (0), "licensedSeats" integer, "enabledCount" integer NOT NULL DEFAULT (0), "inactiveCount" integer NOT NULL DEFAULT (0), "seatCount" integer NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      'INSERT INTO "temporary_orgs"("id", "name", "slug", "mfaRequired", "licensedSeats", "enabledCount", "inactiveCount", "seatCount", "createdAt", "updatedAt") SELECT "id", "name", "slug", "mfaRequired", "licensedSeats", "enabledCount", "inactiveCount", "seatCount", "createdAt", "updatedAt" FROM "orgs"',
    );
    await queryRunner.query('DROP TABLE "orgs"');
    await queryRunner.query('ALTER TABLE "temporary_orgs" RENAME TO "orgs"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_orgs_slug" ON "orgs" ("slug") ');

    await queryRunner.query('DELETE FROM "memberships" WHERE "status" = \'invited\'');
    await queryRunner.query('DROP INDEX "UQ_users_emailKey"');
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "externalRef" varchar(191), "firstName" varchar(100) NOT NULL, "lastName" varchar(100) NOT NULL, "email" varchar(254) NOT NULL, "emailKey" varchar(254) NOT NULL, "language" varchar(35) NOT NULL DEFAULT ('en-US'), "passwordHash" varchar(255), "lastLoginAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')), "deletedAt" datetime)`,
    );
    const first = (col: string): string =>
      `(SELECT x."${col}" FROM "memberships" x WHERE x."userId" = u."id" ORDER BY x."id" LIMIT 1)`;
    await queryRunner.query(
      `INSERT INTO "temporary_users"("id", "externalRef", "firstName", "lastName", "email", "emailKey", "language", "passwordHash", "lastLoginAt", "createdAt", "updatedAt", "deletedAt")
       SELECT u."id", ${first('externalRef')}, COALESCE(${first('firstName')}, ''), COALESCE(${first('lastName')}, ''),
              COALESCE(u."email", 'unclaimed-' || u."id"), COALESCE(u."emailKey", 'unclaimed-' || u."id"), COALESCE(${first('language')}, 'en-US'),
              u."passwordHash", (SELECT MAX(y."lastLoginAt") FROM "memberships" y WHERE y."userId" = u."id"), u."createdAt", u."updatedAt",
              CASE WHEN u."emailKey" IS NULL THEN COALESCE(u."deletedAt", datetime('now')) ELSE u."deletedAt" END
         FROM "users" u`,
    );
    await queryRunner.query(
      'UPDATE "temporary_users" SET "externalRef" = NULL WHERE "externalRef" IN (SELECT "externalRef" FROM "temporary_users" WHERE "externalRef" IS NOT NULL GROUP BY "externalRef" HAVING COUNT(*) > 1)',
    );
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('ALTER TABLE "temporary_users" RENAME TO "users"');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_externalRef" ON "users" ("externalRef") ');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_emailKey" ON "users" ("emailKey") ');

    await queryRunner.query('DROP INDEX "UQ_memberships_org_externalRef"');
    await queryRunner.query('DROP INDEX "UQ_memberships_org_emailKey"');
    for (const name of MEMBERSHIP_INDEX_NAMES) {
      await queryRunner.query(`DROP INDEX "${name}"`);
    }
    await queryRunner.query(
      `CREATE TABLE "temporary_memberships" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "orgId" integer NOT NULL, "userId" integer NOT NULL, "isActive" boolean NOT NULL DEFAULT (1), "isAdmin" boolean NOT NULL DEFAULT (0), "allAccess" boolean NOT NULL DEFAULT (0), "portalAccess" boolean NOT NULL DEFAULT (0), "mfaOptOut" boolean NOT NULL DEFAULT (0), "mfaOptOutUntil" datetime, "mfaOptOutReason" varchar(500), "mfaOptOutAt" datetime, "mfaOptOutByUserId" integer, "excludeFromMembershipCount" boolean NOT NULL DEFAULT (0), "hasAdvancedPermissions" boolean NOT NULL DEFAULT (0), "version" integer NOT NULL DEFAULT (1), "nameKey" varchar(201) NOT NULL, "fullNameKey" varchar(201) NOT NULL, "emailKey" varchar(254) NOT NULL, "lastLoginAt" datetime, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(`INSERT INTO "temporary_memberships"(${MEMBERSHIP_COLUMNS}) SELECT ${MEMBERSHIP_COLUMNS} FROM "memberships"`);
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('ALTER TABLE "temporary_memberships" RENAME TO "memberships"');
    for (const q of MEMBERSHIP_INDEXES) {
      await queryRunner.query(q);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The lengths 1..4 of the stored prefixes (SEARCH_PREFIX_CHARS as of this migration). */
const LENGTHS = 'SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4';
const INTO = 'INSERT OR IGNORE INTO "member_search_prefixes" ("orgId", "emailOnly", "prefix", "nameKey", "userId")';

/**
 * The member search index (member_search_prefixes, docs/architecture.md "Member search"), filled
 * from every membership's keys: prefixes of 1 to 4 characters of nameKey and fullNameKey, and of
 * emailKey where not also a name prefix (emailOnly). Prefixes ending in a space are left out
 * (a trimmed search term never ends in one). A WITHOUT ROWID table: the primary key is the index.
 */
export class SearchPrefixesSqlite1796214000000 implements MigrationInterface {
  name = 'SearchPrefixesSqlite1796214000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "member_search_prefixes" ("orgId" integer NOT NULL, "emailOnly" boolean NOT NULL, "prefix" varchar(16) NOT NULL, "nameKey" varchar(201) NOT NULL, "userId" integer NOT NULL, PRIMARY KEY ("orgId", "emailOnly", "prefix", "nameKey", "userId")) WITHOUT ROWID',
    );
    for (const key of ['nameKey', 'fullNameKey']) {
      await queryRunner.query(
        `${INTO} SELECT m.orgId, 0, SUBSTR(m.${key}, 1, l.n), m.nameKey, m.userId FROM memberships m CROSS JOIN (${LENGTHS}) l
          WHERE LENGTH(m.${key}) >= l.n AND SUBSTR(m.${key}, l.n, 1) <> ' '`,
      );
    }
    await queryRunner.query(
      `${INTO} SELECT m.orgId, 1, SUBSTR(m.emailKey, 1, l.n), m.nameKey, m.userId FROM memberships m CROSS JOIN (${LENGTHS}) l
        WHERE LENGTH(m.emailKey) >= l.n AND SUBSTR(m.emailKey, l.n, 1) <> ' '
          AND SUBSTR(m.emailKey, 1, l.n) <> SUBSTR(m.nameKey, 1, l.n) AND SUBSTR(m.emailKey, 1, l.n) <> SUBSTR(m.fullNameKey, 1, l.n)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "member_search_prefixes"');
  }
}

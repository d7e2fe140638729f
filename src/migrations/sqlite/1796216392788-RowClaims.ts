import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * orgs/roles/user_groups.claimCount, the column claimRow (src/db/locks.ts) increments (see the
 * MySQL migration). ADD COLUMN rather than TypeORM's table rebuild.
 */
export class RowClaimsSqlite1796216392788 implements MigrationInterface {
  name = 'RowClaimsSqlite1796216392788';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['orgs', 'roles', 'user_groups']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "claimCount" integer NOT NULL DEFAULT (0)`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['orgs', 'roles', 'user_groups']) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "claimCount"`);
    }
  }
}

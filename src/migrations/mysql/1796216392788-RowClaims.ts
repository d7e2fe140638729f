import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * orgs/roles/user_groups.claimCount: the column claimRow (src/db/locks.ts) increments, so every
 * writer that must be serialised with another writes the same row, which a Galera cluster
 * certifies (a read lock it does not; docs/operations.md "Consistency on a cluster").
 */
export class RowClaimsMysql1796216392788 implements MigrationInterface {
  name = 'RowClaimsMysql1796216392788';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['orgs', 'roles', 'user_groups']) {
      await queryRunner.query(`ALTER TABLE \`${table}\` ADD \`claimCount\` int NOT NULL DEFAULT '0'`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['orgs', 'roles', 'user_groups']) {
      await queryRunner.query(`ALTER TABLE \`${table}\` DROP COLUMN \`claimCount\``);
    }
  }
}

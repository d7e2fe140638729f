import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * memberships.mfaOptOutExpiryNotifiedAt and its sweep index (the "opt-out expired" notice, rule
 * 16b). ADD COLUMN rather than TypeORM's table rebuild, so it composes with other migrations of
 * the memberships table.
 */
export class OptOutExpiryNoticeSqlite1796199569642 implements MigrationInterface {
  name = 'OptOutExpiryNoticeSqlite1796199569642';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "memberships" ADD COLUMN "mfaOptOutExpiryNotifiedAt" datetime');
    await queryRunner.query(
      'CREATE INDEX "IDX_memberships_optout_expiry" ON "memberships" ("mfaOptOutExpiryNotifiedAt", "mfaOptOutUntil") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_memberships_optout_expiry"');
    await queryRunner.query('ALTER TABLE "memberships" DROP COLUMN "mfaOptOutExpiryNotifiedAt"');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** memberships.mfaOptOutExpiryNotifiedAt and its sweep index (the "opt-out expired" notice, rule 16b). */
export class OptOutExpiryNoticeMysql1796199569642 implements MigrationInterface {
  name = 'OptOutExpiryNoticeMysql1796199569642';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `memberships` ADD `mfaOptOutExpiryNotifiedAt` datetime NULL');
    await queryRunner.query(
      'CREATE INDEX `IDX_memberships_optout_expiry` ON `memberships` (`mfaOptOutExpiryNotifiedAt`, `mfaOptOutUntil`)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_memberships_optout_expiry` ON `memberships`');
    await queryRunner.query('ALTER TABLE `memberships` DROP COLUMN `mfaOptOutExpiryNotifiedAt`');
  }
}

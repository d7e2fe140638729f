import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exact times (src/db/instant.ts): converts role_assignments.assignedAt and removedAt and
 * memberships.mfaOptOutUntil to DATETIME(6) (role_assignments.updatedAt already is). Existing
 * values keep their (whole-second) value. usersUpdatedByRole now reads only
 * role_assignments.updatedAt: for current holders it takes the later of itself and the user's
 * updatedAt, so changes made before this migration stay in the feed.
 */
export class ExactTimesMysql1796199569641 implements MigrationInterface {
  name = 'ExactTimesMysql1796199569641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `role_assignments` MODIFY `assignedAt` datetime(6) NOT NULL, MODIFY `removedAt` datetime(6) NULL');
    await queryRunner.query('ALTER TABLE `memberships` MODIFY `mfaOptOutUntil` datetime(6) NULL');
    await queryRunner.query(
      'UPDATE `role_assignments` ra JOIN `users` u ON u.id = ra.userId SET ra.updatedAt = u.updatedAt WHERE ra.removedAt IS NULL AND u.updatedAt > ra.updatedAt',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `memberships` MODIFY `mfaOptOutUntil` datetime NULL');
    await queryRunner.query('ALTER TABLE `role_assignments` MODIFY `assignedAt` datetime NOT NULL, MODIFY `removedAt` datetime NULL');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `YYYY-MM-DD HH:MM:SS[.SSS]` text, as TypeORM and datetime('now') wrote it, to six fraction digits. */
const SIX_DIGITS = (c: string): string =>
  `${c} = CASE WHEN length(${c}) = 19 THEN ${c} || '.000000' WHEN length(${c}) = 23 THEN ${c} || '000' ELSE ${c} END`;

/**
 * Exact times (src/db/instant.ts). SQLite keeps the column types (text): this rewrites
 * role_assignments.assignedAt, removedAt, updatedAt and memberships.mfaOptOutUntil to six
 * fraction digits, so equal times compare equal as text. usersUpdatedByRole now reads only
 * role_assignments.updatedAt: for current holders it takes the later of itself and the user's
 * updatedAt, so changes made before this migration stay in the feed. No DDL: no table rebuild.
 */
export class ExactTimesSqlite1796199569641 implements MigrationInterface {
  name = 'ExactTimesSqlite1796199569641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE role_assignments SET updatedAt = (SELECT u.updatedAt FROM users u WHERE u.id = role_assignments.userId)
        WHERE removedAt IS NULL AND (SELECT u.updatedAt FROM users u WHERE u.id = role_assignments.userId) > updatedAt`,
    );
    await queryRunner.query(`UPDATE role_assignments SET ${SIX_DIGITS('assignedAt')}, ${SIX_DIGITS('removedAt')}, ${SIX_DIGITS('updatedAt')}`);
    await queryRunner.query(`UPDATE memberships SET ${SIX_DIGITS('mfaOptOutUntil')} WHERE mfaOptOutUntil IS NOT NULL`);
  }

  public async down(): Promise<void> {
    // The six-digit text is valid TypeORM datetime text: nothing to undo.
  }
}

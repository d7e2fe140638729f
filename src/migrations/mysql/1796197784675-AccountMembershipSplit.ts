import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * docs/product.md §1 and rule 3a: what an org knows about a person moves from the shared account
 * onto each membership. Every membership of a user gets that user's names, language and
 * externalRef (externalRef was unique across all orgs, so it is unique within each org) and keeps
 * its copy of lastLoginAt, which becomes the only one; every existing membership is 'active'.
 * Then the columns leave the account, and an account's email may be null (an unclaimed account
 * made for an invitation). Self-contained: it touches no column another migration adds.
 */
export class AccountMembershipSplitMysql1796197784675 implements MigrationInterface {
  name = 'AccountMembershipSplitMysql1796197784675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE `memberships` ADD `firstName` varchar(100) NOT NULL, ADD `lastName` varchar(100) NOT NULL, ADD `language` varchar(35) NOT NULL DEFAULT 'en-US', ADD `externalRef` varchar(191) NULL, ADD `status` varchar(16) NOT NULL DEFAULT 'active', ADD `inviteEmail` varchar(254) NULL, ADD `invitedAt` datetime NULL, ADD `invitedByUserId` int NULL",
    );
    // updatedAt = updatedAt: the column's ON UPDATE would otherwise stamp every row with now (the
    // role feeds read it as "changed since").
    await queryRunner.query(
      'UPDATE `memberships` m JOIN `users` u ON u.`id` = m.`userId` SET m.`firstName` = u.`firstName`, m.`lastName` = u.`lastName`, m.`language` = u.`language`, m.`externalRef` = u.`externalRef`, m.`updatedAt` = m.`updatedAt`',
    );
    await queryRunner.query("ALTER TABLE `orgs` ADD `invitedCount` int NOT NULL DEFAULT '0'");
    await queryRunner.query('ALTER TABLE `password_tokens` ADD `membershipId` int NULL, ADD `newEmail` varchar(254) NULL');
    await queryRunner.query('DROP INDEX `UQ_users_externalRef` ON `users`');
    await queryRunner.query(
      'ALTER TABLE `users` DROP COLUMN `externalRef`, DROP COLUMN `firstName`, DROP COLUMN `lastName`, DROP COLUMN `language`, DROP COLUMN `lastLoginAt`, CHANGE `email` `email` varchar(254) NULL, CHANGE `emailKey` `emailKey` varchar(254) NULL',
    );
    await queryRunner.query('CREATE UNIQUE INDEX `UQ_memberships_org_emailKey` ON `memberships` (`orgId`, `emailKey`)');
    await queryRunner.query('CREATE UNIQUE INDEX `UQ_memberships_org_externalRef` ON `memberships` (`orgId`, `externalRef`)');
  }

  /**
   * Back to one profile per account (best effort, for a rollback): pending invitations are
   * dropped, each account takes the profile of its oldest membership and its latest sign-in, and
   * an externalRef that two orgs now use for different people is cleared.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `UQ_memberships_org_externalRef` ON `memberships`');
    await queryRunner.query('DROP INDEX `UQ_memberships_org_emailKey` ON `memberships`');
    await queryRunner.query("DELETE FROM `memberships` WHERE `status` = 'invited'");
    await queryRunner.query(
      "ALTER TABLE `users` ADD `externalRef` varchar(191) NULL, ADD `firstName` varchar(100) NOT NULL, ADD `lastName` varchar(100) NOT NULL, ADD `language` varchar(35) NOT NULL DEFAULT 'en-US', ADD `lastLoginAt` datetime NULL",
    );
    await queryRunner.query(
      'UPDATE `users` u JOIN `memberships` m ON m.`id` = (SELECT MIN(x.`id`) FROM `memberships` x WHERE x.`userId` = u.`id`) SET u.`firstName` = m.`firstName`, u.`lastName` = m.`lastName`, u.`language` = m.`language`, u.`externalRef` = m.`externalRef`, u.`lastLoginAt` = (SELECT MAX(y.`lastLoginAt`) FROM `memberships` y WHERE y.`userId` = u.`id`), u.`updatedAt` = u.`updatedAt`',
    );
    await queryRunner.query(
      'UPDATE `users` SET `externalRef` = NULL, `updatedAt` = `updatedAt` WHERE `externalRef` IN (SELECT r FROM (SELECT `externalRef` AS r FROM `users` WHERE `externalRef` IS NOT NULL GROUP BY `externalRef` HAVING COUNT(*) > 1) d)',
    );
    await queryRunner.query(
      "UPDATE `users` SET `email` = CONCAT('unclaimed-', `id`), `emailKey` = CONCAT('unclaimed-', `id`), `deletedAt` = COALESCE(`deletedAt`, NOW(6)), `updatedAt` = `updatedAt` WHERE `emailKey` IS NULL",
    );
    await queryRunner.query('ALTER TABLE `users` CHANGE `email` `email` varchar(254) NOT NULL, CHANGE `emailKey` `emailKey` varchar(254) NOT NULL');
    await queryRunner.query('CREATE UNIQUE INDEX `UQ_users_externalRef` ON `users` (`externalRef`)');
    await queryRunner.query('ALTER TABLE `password_tokens` DROP COLUMN `newEmail`, DROP COLUMN `membershipId`');
    await queryRunner.query('ALTER TABLE `orgs` DROP COLUMN `invitedCount`');
    await queryRunner.query(
      'ALTER TABLE `memberships` DROP COLUMN `invitedByUserId`, DROP COLUMN `invitedAt`, DROP COLUMN `inviteEmail`, DROP COLUMN `status`, DROP COLUMN `externalRef`, DROP COLUMN `language`, DROP COLUMN `lastName`, DROP COLUMN `firstName`',
    );
  }
}

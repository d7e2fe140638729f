import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795908186022Mysql implements MigrationInterface {
  name = 'Initial1795908186022Mysql';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `audit_events` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NULL, `actorUserId` int NULL, `impersonatorUserId` int NULL, `action` varchar(64) NOT NULL, `outcome` varchar(32) NOT NULL DEFAULT 'success', `targetUserId` int NULL, `changes` text NULL, `requestId` varchar(64) NULL, `ip` varchar(64) NULL, `at` datetime NOT NULL, INDEX `IDX_audit_events_org_action` (`orgId`, `action`, `id`), INDEX `IDX_audit_events_org_actor` (`orgId`, `actorUserId`, `id`), INDEX `IDX_audit_events_org_target` (`orgId`, `targetUserId`, `id`), INDEX `IDX_audit_events_org_id` (`orgId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `memberships` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NOT NULL, `userId` int NOT NULL, `isActive` tinyint NOT NULL DEFAULT 1, `isAdmin` tinyint NOT NULL DEFAULT 0, `allAccess` tinyint NOT NULL DEFAULT 0, `portalAccess` tinyint NOT NULL DEFAULT 0, `mfaOptOut` tinyint NOT NULL DEFAULT 0, `mfaOptOutUntil` datetime NULL, `mfaOptOutReason` varchar(500) NULL, `mfaOptOutAt` datetime NULL, `mfaOptOutByUserId` int NULL, `excludeFromMembershipCount` tinyint NOT NULL DEFAULT 0, `hasAdvancedPermissions` tinyint NOT NULL DEFAULT 0, `version` int NOT NULL DEFAULT '1', `nameKey` varchar(201) NOT NULL, `fullNameKey` varchar(201) NOT NULL, `emailKey` varchar(254) NOT NULL, `lastLoginAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `IDX_memberships_org_active_name` (`orgId`, `isActive`, `nameKey`, `userId`), INDEX `IDX_memberships_org_created` (`orgId`, `createdAt`, `userId`), INDEX `IDX_memberships_org_lastlogin` (`orgId`, `lastLoginAt`, `userId`), INDEX `IDX_memberships_org_email` (`orgId`, `emailKey`, `userId`), INDEX `IDX_memberships_org_fullname` (`orgId`, `fullNameKey`, `userId`), INDEX `IDX_memberships_org_name` (`orgId`, `nameKey`, `userId`), INDEX `IDX_memberships_user` (`userId`), UNIQUE INDEX `UQ_memberships_org_user` (`orgId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `mfa_factors` (`id` int NOT NULL AUTO_INCREMENT, `membershipId` int NOT NULL, `secretCiphertext` varchar(255) NULL, `confirmedAt` datetime NULL, `pendingSecretCiphertext` varchar(255) NULL, `pendingExpiresAt` datetime NULL, `lastAcceptedStep` int NULL, `failedAttempts` int NOT NULL DEFAULT '0', `failureWindowStart` datetime NULL, `lockedUntil` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_mfa_factors_membership` (`membershipId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `notification_outbox` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NULL, `userId` int NOT NULL, `kind` varchar(64) NOT NULL, `payload` text NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `deliveredAt` datetime NULL, INDEX `IDX_notification_outbox_pending` (`deliveredAt`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `orgs` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(200) NOT NULL, `slug` varchar(64) NOT NULL, `mfaRequired` tinyint NOT NULL DEFAULT 0, `licensedSeats` int NULL, `enabledCount` int NOT NULL DEFAULT '0', `inactiveCount` int NOT NULL DEFAULT '0', `seatCount` int NOT NULL DEFAULT '0', `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_orgs_slug` (`slug`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `password_tokens` (`id` int NOT NULL AUTO_INCREMENT, `userId` int NOT NULL, `tokenHash` varchar(64) NOT NULL, `purpose` varchar(20) NOT NULL, `expiresAt` datetime NOT NULL, `usedAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_password_tokens_hash` (`tokenHash`), INDEX `IDX_password_tokens_user` (`userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `recovery_codes` (`id` int NOT NULL AUTO_INCREMENT, `membershipId` int NOT NULL, `codeHash` varchar(64) NOT NULL, `usedAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_recovery_codes_hash` (`codeHash`), INDEX `IDX_recovery_codes_membership` (`membershipId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `role_assignments` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NOT NULL, `roleId` int NOT NULL, `userId` int NOT NULL, `assignedAt` datetime NOT NULL, `removedAt` datetime NULL, `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `IDX_role_assignments_user` (`orgId`, `userId`), INDEX `IDX_role_assignments_role_updated` (`roleId`, `updatedAt`, `userId`), INDEX `IDX_role_assignments_role_removed` (`roleId`, `removedAt`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `roles` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NOT NULL, `name` varchar(100) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_roles_org_name` (`orgId`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `sessions` (`id` int NOT NULL AUTO_INCREMENT, `tokenHash` varchar(64) NOT NULL, `userId` int NOT NULL, `orgId` int NOT NULL, `membershipId` int NOT NULL, `kind` varchar(20) NOT NULL, `impersonatorUserId` int NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `expiresAt` datetime NOT NULL, `revokedAt` datetime NULL, UNIQUE INDEX `UQ_sessions_token` (`tokenHash`), INDEX `IDX_sessions_user` (`userId`), INDEX `IDX_sessions_membership` (`membershipId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `sign_in_throttles` (`accountKey` varchar(64) NOT NULL, `failures` int NOT NULL DEFAULT '0', `windowStart` datetime NOT NULL, `lockedUntil` datetime NULL, PRIMARY KEY (`accountKey`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `user_group_members` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NOT NULL, `groupId` int NOT NULL, `userId` int NOT NULL, `addedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `IDX_user_group_members_user` (`orgId`, `userId`), UNIQUE INDEX `UQ_user_group_members_group_user` (`groupId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `user_groups` (`id` int NOT NULL AUTO_INCREMENT, `orgId` int NOT NULL, `name` varchar(100) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `UQ_user_groups_org_name` (`orgId`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT, `externalRef` varchar(191) NULL, `firstName` varchar(100) NOT NULL, `lastName` varchar(100) NOT NULL, `email` varchar(254) NOT NULL, `emailKey` varchar(254) NOT NULL, `language` varchar(35) NOT NULL DEFAULT 'en-US', `passwordHash` varchar(255) NULL, `lastLoginAt` datetime NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), `deletedAt` datetime(6) NULL, UNIQUE INDEX `UQ_users_externalRef` (`externalRef`), UNIQUE INDEX `UQ_users_emailKey` (`emailKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX `UQ_users_emailKey` ON `users`");
    await queryRunner.query("DROP INDEX `UQ_users_externalRef` ON `users`");
    await queryRunner.query("DROP TABLE `users`");
    await queryRunner.query("DROP INDEX `UQ_user_groups_org_name` ON `user_groups`");
    await queryRunner.query("DROP TABLE `user_groups`");
    await queryRunner.query("DROP INDEX `UQ_user_group_members_group_user` ON `user_group_members`");
    await queryRunner.query("DROP INDEX `IDX_user_group_members_user` ON `user_group_members`");
    await queryRunner.query("DROP TABLE `user_group_members`");
    await queryRunner.query("DROP TABLE `sign_in_throttles`");
    await queryRunner.query("DROP INDEX `IDX_sessions_membership` ON `sessions`");
    await queryRunner.query("DROP INDEX `IDX_sessions_user` ON `sessions`");
    await queryRunner.query("DROP INDEX `UQ_sessions_token` ON `sessions`");
    await queryRunner.query("DROP TABLE `sessions`");
    await queryRunner.query("DROP INDEX `UQ_roles_org_name` ON `roles`");
    await queryRunner.query("DROP TABLE `roles`");
    await queryRunner.query("DROP INDEX `IDX_role_assignments_role_removed` ON `role_assignments`");
    await queryRunner.query("DROP INDEX `IDX_role_assignments_role_updated` ON `role_assignments`");
    await queryRunner.query("DROP INDEX `IDX_role_assignments_user` ON `role_assignments`");
    await queryRunner.query("DROP TABLE `role_assignments`");
    await queryRunner.query("DROP INDEX `IDX_recovery_codes_membership` ON `recovery_codes`");
    await queryRunner.query("DROP INDEX `UQ_recovery_codes_hash` ON `recovery_codes`");
    await queryRunner.query("DROP TABLE `recovery_codes`");
    await queryRunner.query("DROP INDEX `IDX_password_tokens_user` ON `password_tokens`");
    await queryRunner.query("DROP INDEX `UQ_password_tokens_hash` ON `password_tokens`");
    await queryRunner.query("DROP TABLE `password_tokens`");
    await queryRunner.query("DROP INDEX `UQ_orgs_slug` ON `orgs`");
    await queryRunner.query("DROP TABLE `orgs`");
    await queryRunner.query("DROP INDEX `IDX_notification_outbox_pending` ON `notification_outbox`");
    await queryRunner.query("DROP TABLE `notification_outbox`");
    await queryRunner.query("DROP INDEX `UQ_mfa_factors_membership` ON `mfa_factors`");
    await queryRunner.query("DROP TABLE `mfa_factors`");
    await queryRunner.query("DROP INDEX `UQ_memberships_org_user` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_user` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_name` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_fullname` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_email` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_lastlogin` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_created` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_memberships_org_active_name` ON `memberships`");
    await queryRunner.query("DROP TABLE `memberships`");
    await queryRunner.query("DROP INDEX `IDX_audit_events_org_id` ON `audit_events`");
    await queryRunner.query("DROP INDEX `IDX_audit_events_org_target` ON `audit_events`");
    await queryRunner.query("DROP INDEX `IDX_audit_events_org_actor` ON `audit_events`");
    await queryRunner.query("DROP INDEX `IDX_audit_events_org_action` ON `audit_events`");
    await queryRunner.query("DROP TABLE `audit_events`");
  }
}

import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ExactTimeColumn } from './exact-time';

/**
 * A user in an org. Besides the flags it carries copies of the user's sort and search keys
 * (lower-cased names and email, last login) so that one org's member list is served by
 * composite indexes (orgId, key, userId) without touching the users table; they are rewritten
 * in the same transaction as every user change.
 */
@ObjectType({ simpleResolvers: true, description: "A user's membership in one org (the Account Status flags)." })
@Entity({ name: 'memberships' })
@Index('UQ_memberships_org_user', ['orgId', 'userId'], { unique: true })
@Index('IDX_memberships_user', ['userId'])
@Index('IDX_memberships_org_name', ['orgId', 'nameKey', 'userId'])
@Index('IDX_memberships_org_fullname', ['orgId', 'fullNameKey', 'userId'])
@Index('IDX_memberships_org_email', ['orgId', 'emailKey', 'userId'])
@Index('IDX_memberships_org_lastlogin', ['orgId', 'lastLoginAt', 'userId'])
@Index('IDX_memberships_org_created', ['orgId', 'createdAt', 'userId'])
@Index('IDX_memberships_org_active_name', ['orgId', 'isActive', 'nameKey', 'userId'])
// The opt-out expiry sweep: pending notices are (NULL, until <= now), a range of this index.
@Index('IDX_memberships_optout_expiry', ['mfaOptOutExpiryNotifiedAt', 'mfaOptOutUntil'])
export class Membership {
  @Field(() => ID)
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Field(() => ID)
  @Column({ type: 'int' })
  orgId: number;

  @Field(() => ID)
  @Column({ type: 'int' })
  userId: number;

  @Field(() => Boolean, { description: 'Enable User.' })
  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false })
  isAdmin: boolean;

  @Field(() => Boolean, { description: 'All Data Access.' })
  @Column({ type: 'boolean', default: false })
  allAccess: boolean;

  @Field(() => Boolean, { description: 'Portal URL Access.' })
  @Column({ type: 'boolean', default: false })
  portalAccess: boolean;

  @Field(() => Boolean, { description: "Opted out of the org's MFA enforcement." })
  @Column({ type: 'boolean', default: false })
  mfaOptOut: boolean;

  @Field(() => Date, { nullable: true, description: 'When set, the opt-out ends at this time (exact to the microsecond, as given).' })
  @ExactTimeColumn({ nullable: true })
  mfaOptOutUntil: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  mfaOptOutReason: string | null;

  @Column({ type: 'datetime', nullable: true })
  mfaOptOutAt: Date | null;

  @Column({ type: 'int', nullable: true })
  mfaOptOutByUserId: number | null;

  /**
   * When the "opt-out expired" notice (rule 16b) was claimed for the current mfaOptOutUntil; null
   * until then, and again whenever the opt-out is granted or changed (one notice per expiry).
   */
  @Column({ type: 'datetime', nullable: true })
  mfaOptOutExpiryNotifiedAt: Date | null;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false })
  excludeFromMembershipCount: boolean;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false })
  hasAdvancedPermissions: boolean;

  @Field(() => Int, { description: 'Optimistic-lock version; send it back to detect concurrent edits.' })
  @Column({ type: 'int', default: 1 })
  version: number;

  /** lower(lastName) + ' ' + lower(firstName): the LAST_NAME order and last-name prefix search. */
  @Column({ type: 'varchar', length: 201 })
  nameKey: string;

  /** lower(firstName) + ' ' + lower(lastName): first-name and full-name prefix search. */
  @Column({ type: 'varchar', length: 201 })
  fullNameKey: string;

  /** lower(email). */
  @Column({ type: 'varchar', length: 254 })
  emailKey: string;

  /** Copy of users.lastLoginAt for the LAST_LOGIN_AT order. */
  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;
}

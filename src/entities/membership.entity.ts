import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ExactTimeColumn } from './exact-time';

export type MembershipStatus = 'invited' | 'active';

/**
 * A person in an org, and everything that org knows about them (docs/product.md §1): the org's
 * profile of the person (names, language, externalRef), their last sign-in to this org, the
 * status of the invitation, and the Account Status flags. It also carries the sort and search
 * keys (lower-cased names and email) so that one org's member list is served by composite
 * indexes (orgId, key, userId) without touching the users table; every write of them goes
 * through members/member-keys.ts writeMemberKeys.
 *
 * An invited membership (status 'invited') belongs to an unclaimed account until the invitee
 * redeems the invitation: it is not active, holds no seat, and shows the address the inviting
 * admin typed (inviteEmail).
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
@Index('UQ_memberships_org_externalRef', ['orgId', 'externalRef'], { unique: true })
@Index('UQ_memberships_org_emailKey', ['orgId', 'emailKey'], { unique: true })
export class Membership {
  @Field(() => ID, { description: 'The membership id.' })
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Field(() => ID, { description: 'The org (Org.id).' })
  @Column({ type: 'int' })
  orgId: number;

  @Field(() => ID, { description: 'The member (User.id).' })
  @Column({ type: 'int' })
  userId: number;

  /** The org's profile of the person: what this org's admin typed, or the person changed in this org. */
  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  /** BCP 47. */
  @Column({ type: 'varchar', length: 35, default: 'en-US' })
  language: string;

  /** The org's own id for the person (its HR or CRM reference): unique within the org, used by byRef. */
  @Column({ type: 'varchar', length: 191, nullable: true })
  externalRef: string | null;

  /** 'invited' until the invitee redeems the invitation (docs/product.md rule 3a), then 'active'. */
  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: MembershipStatus;

  /** The address the inviting admin typed; what this org sees as the email until the invitation is accepted. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  inviteEmail: string | null;

  @Column({ type: 'datetime', nullable: true })
  invitedAt: Date | null;

  @Column({ type: 'int', nullable: true })
  invitedByUserId: number | null;

  @Field(() => Boolean, { description: 'Enable User.' })
  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Field(() => Boolean, { description: 'Admin of the org (never together with hasAdvancedPermissions).' })
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

  @Field(() => String, { nullable: true, description: 'Why the member is opted out (at most 500 characters); null when not given.' })
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

  @Field(() => Boolean, { description: 'Not counted toward licensed seats.' })
  @Column({ type: 'boolean', default: false })
  excludeFromMembershipCount: boolean;

  @Field(() => Boolean, { description: 'Advanced permissions (standard users only).' })
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

  /** lower(email): the account's, or the invitation's address while invited. Unique within the org. */
  @Column({ type: 'varchar', length: 254 })
  emailKey: string;

  /** The last sign-in to THIS org (another org's sign-ins are that org's business). */
  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;

  @Field(() => Date, { description: 'Member (or invited) since.' })
  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @Field(() => Date, { description: 'The last change of these flags.' })
  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;
}

import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The account: what the person owns and shares across the orgs they belong to (docs/product.md
 * §1): the sign-in email, the password, their sessions. Everything an org knows about the person
 * (names, language, externalRef, last sign-in) lives on the Membership, so no org's write changes
 * what another org sees. Never a GraphQL type: the `User` type is a member as one org sees them.
 *
 * An account whose email is null is unclaimed: it was made for an invitation and gets its email
 * when the invitee redeems the invitation (or is merged into the invitee's existing account).
 */
@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  /** As the person gave it; uniqueness is enforced on emailKey (lower-cased) so it is case-insensitive on both engines. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Index('UQ_users_emailKey', { unique: true })
  @Column({ type: 'varchar', length: 254, nullable: true })
  emailKey: string | null;

  /** argon2id PHC string; null until the account is activated. Never exposed. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;

  @DeleteDateColumn({ type: 'datetime', nullable: true })
  deletedAt: Date | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * invitation: joins an invited membership (createUser, 7 days); reset: replaces the password
 * (issuePasswordReset, 1 hour); email_change: confirms a new address (24 hours); activation:
 * the pre-invitation activation token, still redeemable until it expires.
 */
export type PasswordTokenPurpose = 'activation' | 'reset' | 'invitation' | 'email_change';

/** One-time token sent to a person's mailbox (through the outbox); only its SHA-256 is stored. */
@Entity({ name: 'password_tokens' })
@Index('IDX_password_tokens_user', ['userId'])
export class PasswordToken {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  userId: number;

  @Index('UQ_password_tokens_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 20 })
  purpose: PasswordTokenPurpose;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  /** invitation: the invited membership the token joins. */
  @Column({ type: 'int', nullable: true })
  membershipId: number | null;

  /** email_change: the address the change confirms. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  newEmail: string | null;

  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SessionKindValue = 'full' | 'mfa_challenge' | 'mfa_enrollment';

/** A signed-in principal in one org. Only the SHA-256 of the bearer token is stored. */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_membership', ['membershipId'])
@Index('IDX_sessions_user', ['userId'])
export class Session {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Index('UQ_sessions_token', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'int' })
  userId: number;

  @Column({ type: 'int' })
  orgId: number;

  @Column({ type: 'int' })
  membershipId: number;

  @Column({ type: 'varchar', length: 20 })
  kind: SessionKindValue;

  /** The admin who started an impersonation session; null otherwise. */
  @Column({ type: 'int', nullable: true })
  impersonatorUserId: number | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * One TOTP enrollment per membership ("org-level MFA"). Secrets are AES-256-GCM ciphertext.
 * Replay and brute-force state lives here so it holds across sessions and server processes.
 */
@Entity({ name: 'mfa_factors' })
export class MfaFactor {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Index('UQ_mfa_factors_membership', { unique: true })
  @Column({ type: 'int' })
  membershipId: number;

  @Column({ type: 'varchar', length: 255, nullable: true })
  secretCiphertext: string | null;

  @Column({ type: 'datetime', nullable: true })
  confirmedAt: Date | null;

  /** Enrollment in progress: replaced by each generateMfaTempSecret, void after pendingExpiresAt. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  pendingSecretCiphertext: string | null;

  @Column({ type: 'datetime', nullable: true })
  pendingExpiresAt: Date | null;

  /** RFC 6238 time step (T) of the last accepted code; codes at or before it are replays. */
  @Column({ type: 'int', nullable: true })
  lastAcceptedStep: number | null;

  @Column({ type: 'int', default: 0 })
  failedAttempts: number;

  @Column({ type: 'datetime', nullable: true })
  failureWindowStart: Date | null;

  @Column({ type: 'datetime', nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;
}

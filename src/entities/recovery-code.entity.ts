import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A single-use MFA recovery code, stored as a SHA-256 hash (the code itself is shown once). */
@Entity({ name: 'recovery_codes' })
@Index('IDX_recovery_codes_membership', ['membershipId'])
export class RecoveryCode {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  membershipId: number;

  @Index('UQ_recovery_codes_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;
}

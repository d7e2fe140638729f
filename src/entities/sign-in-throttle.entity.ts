import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins per account key (SHA-256 of the lower-cased email), kept in the database so
 * the limit holds across server processes. Keyed by email, not user id, so unknown emails are
 * throttled exactly like known ones and the answer leaks nothing.
 */
@Entity({ name: 'sign_in_throttles' })
export class SignInThrottle {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  accountKey: string;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ type: 'datetime' })
  windowStart: Date;

  @Column({ type: 'datetime', nullable: true })
  lockedUntil: Date | null;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only record of every change and every denied attempt. `changes` holds a JSON
 * object { field: { before, after } } that never includes secrets, codes, tokens or hashes.
 */
@Entity({ name: 'audit_events' })
@Index('IDX_audit_events_org_id', ['orgId', 'id'])
@Index('IDX_audit_events_org_target', ['orgId', 'targetUserId', 'id'])
@Index('IDX_audit_events_org_actor', ['orgId', 'actorUserId', 'id'])
@Index('IDX_audit_events_org_action', ['orgId', 'action', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int', nullable: true })
  orgId: number | null;

  @Column({ type: 'int', nullable: true })
  actorUserId: number | null;

  @Column({ type: 'int', nullable: true })
  impersonatorUserId: number | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** 'success' or the denial code (FORBIDDEN, RATE_LIMITED, REPLAY, ...). */
  @Column({ type: 'varchar', length: 32, default: 'success' })
  outcome: string;

  @Column({ type: 'int', nullable: true })
  targetUserId: number | null;

  @Column({ type: 'text', nullable: true })
  changes: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'datetime' })
  at: Date;
}

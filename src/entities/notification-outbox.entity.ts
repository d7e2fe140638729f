import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Security notifications for a mailer to deliver; written in the same transaction as the change. */
@Entity({ name: 'notification_outbox' })
@Index('IDX_notification_outbox_pending', ['deliveredAt', 'id'])
export class NotificationOutbox {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int', nullable: true })
  orgId: number | null;

  @Column({ type: 'int' })
  userId: number;

  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'text', nullable: true })
  payload: string | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  deliveredAt: Date | null;
}

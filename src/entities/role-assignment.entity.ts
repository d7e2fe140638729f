import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ExactTimeColumn } from './exact-time';

/**
 * A user's membership in a role. Removal sets removedAt instead of deleting, so that
 * "who lost this role since T" (usersRemovedFromRole) can be answered. Its times are exact to the
 * microsecond (exact-time.ts): the sync feeds compare and page by them.
 */
@Entity({ name: 'role_assignments' })
@Index('IDX_role_assignments_role_removed', ['roleId', 'removedAt', 'userId'])
@Index('IDX_role_assignments_role_updated', ['roleId', 'updatedAt', 'userId'])
@Index('IDX_role_assignments_user', ['orgId', 'userId'])
export class RoleAssignment {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  orgId: number;

  @Column({ type: 'int' })
  roleId: number;

  @Column({ type: 'int' })
  userId: number;

  @ExactTimeColumn()
  assignedAt: Date;

  @ExactTimeColumn({ nullable: true })
  removedAt: Date | null;

  /**
   * The usersUpdatedByRole feed's time: when the assignment, or the holder's profile or membership
   * in this org, last changed (role-feed-stamps.ts). Exact, written by the services' own clock.
   */
  @UpdateDateColumn({ type: 'datetime', precision: 6 })
  updatedAt: Date;
}

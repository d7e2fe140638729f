import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A user's membership in a role. Removal sets removedAt instead of deleting, so that
 * "who lost this role since T" (usersRemovedFromRole) can be answered.
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

  @Column({ type: 'datetime' })
  assignedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  removedAt: Date | null;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;
}

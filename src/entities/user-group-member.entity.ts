import { CreateDateColumn, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'user_group_members' })
@Index('UQ_user_group_members_group_user', ['groupId', 'userId'], { unique: true })
@Index('IDX_user_group_members_user', ['orgId', 'userId'])
export class UserGroupMember {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  orgId: number;

  @Column({ type: 'int' })
  groupId: number;

  @Column({ type: 'int' })
  userId: number;

  @CreateDateColumn({ type: 'datetime' })
  addedAt: Date;
}

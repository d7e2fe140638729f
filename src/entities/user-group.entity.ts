import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A named group of members inside an org.' })
@Entity({ name: 'user_groups' })
@Index('UQ_user_groups_org_name', ['orgId', 'name'], { unique: true })
export class UserGroup {
  @Field(() => ID, { description: 'The user group id.' })
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  orgId: number;

  @Field(() => String, { description: 'Its name, unique within the org.' })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Bumped by claimRow (src/db/locks.ts): the write that serialises this row's writers, on one server and on Galera. */
  @Column({ type: 'int', default: 0 })
  claimCount: number;

  @Field(() => Date, { description: 'When the user group was created.' })
  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;
}

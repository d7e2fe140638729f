import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A tenant. The member counters are kept in the same transaction as every membership change. */
@ObjectType({ description: 'A tenant (organization).' })
@Entity({ name: 'orgs' })
export class Org {
  @Field(() => ID, { description: 'The org id.' })
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Field(() => String, { description: 'The display name.' })
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field(() => String, { description: 'The unique short name members sign in with (signIn orgSlug), lower case.' })
  @Index('UQ_orgs_slug', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  slug: string;

  @Field(() => Boolean, { description: 'Enforce org-level MFA for every member not opted out.' })
  @Column({ type: 'boolean', default: false })
  mfaRequired: boolean;

  @Field(() => Int, { nullable: true, description: 'Seat limit; null means unlimited.' })
  @Column({ type: 'int', nullable: true })
  licensedSeats: number | null;

  /** Active members. */
  @Column({ type: 'int', default: 0 })
  enabledCount: number;

  /** Inactive members. */
  @Column({ type: 'int', default: 0 })
  inactiveCount: number;

  /** Active members not excluded from the membership count (what seats are checked against). */
  @Column({ type: 'int', default: 0 })
  seatCount: number;

  /** Pending invitations (memberships with status 'invited'): neither enabled, inactive nor seated. */
  @Column({ type: 'int', default: 0 })
  invitedCount: number;

  /** Bumped by claimRow (src/db/locks.ts): the write that serialises this row's writers, on one server and on Galera. */
  @Column({ type: 'int', default: 0 })
  claimCount: number;

  @Field(() => Date, { description: 'When the org was created.' })
  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @Field(() => Date, { description: 'The last change of its settings or counters.' })
  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;
}

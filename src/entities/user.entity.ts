import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person, global across orgs. Sensitive fields carry no @Field here: the GraphQL User type
 * adds them with field-level authorization (graphql/resolvers/members.resolver.ts, UserFieldsResolver).
 */
@ObjectType('User', { simpleResolvers: true, description: 'A person; global across orgs, listed per org as a member.' })
@Entity({ name: 'users' })
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Index('UQ_users_externalRef', { unique: true })
  @Column({ type: 'varchar', length: 191, nullable: true })
  externalRef: string | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  /** As entered; uniqueness is enforced on emailKey (lower-cased) so it is case-insensitive on both engines. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Index('UQ_users_emailKey', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  emailKey: string;

  @Column({ type: 'varchar', length: 35, default: 'en-US' })
  language: string;

  /** argon2id PHC string; null until the account is activated. Never exposed. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'datetime' })
  updatedAt: Date;

  @DeleteDateColumn({ type: 'datetime', nullable: true })
  deletedAt: Date | null;
}

import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'An append-only record of a change or a denied attempt.' })
export class AuditEventNode {
  @Field(() => ID)
  id: number;

  @Field(() => Date)
  at: Date;

  @Field(() => String)
  action: string;

  @Field(() => String, { description: "'success' or the denial code (FORBIDDEN, RATE_LIMITED, REPLAY, ...)." })
  outcome: string;

  @Field(() => ID, { nullable: true, description: 'Kept when the actor has left the org (actor is then null).' })
  actorId: number | null;

  @Field(() => ID, { nullable: true })
  impersonatorId: number | null;

  @Field(() => ID, { nullable: true, description: 'Kept when the target has left the org (target is then null).' })
  targetUserId: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: '{ field: { before, after } }; never secrets, codes, tokens or hashes.' })
  changes: unknown;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true })
  ip: string | null;
}

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true })
  targetUserId?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact action, e.g. role.assign.' })
  action?: string | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;
}


import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import type { GraphQLContext } from '../context';
import { AuditEventNode } from '../types/audit.types';
import { AuditEventConnection } from '../types/connections.types';
import { AuditEventsArgs } from '../types/lists.args';
import { MemberNode } from '../types/members.types';

/** The audit trail (admin-only, read-only). */
@Resolver(() => AuditEventNode)
export class AuditResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.AuditRead)
  @Query(() => AuditEventConnection, {
    nullable: true,
    description: "The org's audit events, newest first, keyset-paged forward or backward; filter by actor, target, action, time.",
  })
  auditEvents(@Ctx() ctx: GraphQLContext, @Args(() => AuditEventsArgs) args: AuditEventsArgs): Promise<AuditEventConnection | null> {
    return this.services.auditTrail.listAuditEvents(ctx, args);
  }

  @Authorized(Op.AuditRead)
  @FieldResolver(() => MemberNode, { nullable: true, description: 'Null when there is none or they left the org (actorId stays).' })
  actor(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<MemberNode | null> {
    return this.services.memberLoader.memberOrNull(ctx, e.actorId);
  }

  @Authorized(Op.AuditRead)
  @FieldResolver(() => MemberNode, { nullable: true, description: 'The admin behind an impersonation session, if any.' })
  impersonator(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<MemberNode | null> {
    return this.services.memberLoader.memberOrNull(ctx, e.impersonatorId);
  }

  @Authorized(Op.AuditRead)
  @FieldResolver(() => MemberNode, { nullable: true, description: 'Null when there is none or they left the org (targetUserId stays).' })
  target(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<MemberNode | null> {
    return this.services.memberLoader.memberOrNull(ctx, e.targetUserId);
  }
}

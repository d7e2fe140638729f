import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { User } from '../../entities';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { Role } from '../roles';
import { AuditEventConnection, AuditEventNode, AuditEventsArgs } from '../types/audit.types';

/** The audit trail (admin-only, read-only). */
@Resolver(() => AuditEventNode)
export class AuditResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Role.ADMIN)
  @Query(() => AuditEventConnection, { description: "The org's audit events, newest first; filter by actor, target, action, time." })
  auditEvents(@Ctx() ctx: GraphQLContext, @Args(() => AuditEventsArgs) args: AuditEventsArgs): Promise<AuditEventConnection> {
    return this.services.auditTrail.listAuditEvents(ctx, args);
  }

  @Authorized(Role.ADMIN)
  @FieldResolver(() => User, { nullable: true, description: 'Null when there is none or they left the org (actorId stays).' })
  actor(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<User | null> {
    return this.services.memberLoader.memberUserOrNull(ctx, e.actorId);
  }

  @Authorized(Role.ADMIN)
  @FieldResolver(() => User, { nullable: true, description: 'The admin behind an impersonation session, if any.' })
  impersonator(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<User | null> {
    return this.services.memberLoader.memberUserOrNull(ctx, e.impersonatorId);
  }

  @Authorized(Role.ADMIN)
  @FieldResolver(() => User, { nullable: true, description: 'Null when there is none or they left the org (targetUserId stays).' })
  target(@Ctx() ctx: GraphQLContext, @Root() e: AuditEventNode): Promise<User | null> {
    return this.services.memberLoader.memberUserOrNull(ctx, e.targetUserId);
  }
}

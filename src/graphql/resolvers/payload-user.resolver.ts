import { Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';
import { MemberNode } from '../types/members.types';

/**
 * The `user` field of a payload whose mutation changed something of one member (their roles,
 * groups, membership, MFA): the member as the org sees them after the change, so a client's
 * cache updates the User it holds. Read through the request's member loader, like every other
 * member-valued field; null only if they left the org meanwhile.
 */
function payloadUserResolver(payload: ClassType<{ userId: number }>): new (services: Services) => unknown {
  @Resolver(() => payload)
  class PayloadUserResolver {
    constructor(private readonly services: Services) {}

    @FieldResolver(() => MemberNode, { nullable: true, description: 'The member, as your org sees them after the change.' })
    user(@Ctx() ctx: GraphQLContext, @Root() p: { userId: number }): Promise<MemberNode | null> {
      return this.services.memberLoader.memberOrNull(ctx, p.userId);
    }
  }
  return PayloadUserResolver;
}

/** One `user` field resolver per payload type listed. */
export function payloadUserResolvers(...payloads: Array<ClassType<{ userId: number }>>): Array<new (services: Services) => unknown> {
  return payloads.map(payloadUserResolver);
}

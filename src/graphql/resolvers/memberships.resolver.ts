import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Membership, Org } from '../../entities';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { UpdateMembershipInput } from '../types/memberships.types';
import { MfaExemptionConnection } from '../types/connections.types';
import { ExemptionArgs } from '../types/lists.args';

/** Admin operations on memberships and the org's MFA setting (services/memberships/membership.service.ts). */
@Resolver()
export class MembershipResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MembershipUpdate)
  @Mutation(() => Membership, {
    description:
      "Partial update of a member's flags (fields not sent stay as they are). Send the `version` you read to get CONFLICT instead of overwriting a concurrent change.",
  })
  updateMembership(
    @Ctx() ctx: GraphQLContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('input', () => UpdateMembershipInput) input: UpdateMembershipInput,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ): Promise<Membership> {
    return this.services.membership.updateMembership(ctx, { id: parseId(userId, 'userId') }, input, version);
  }

  @Authorized(Op.OrgMfaSet)
  @Mutation(() => Org, { description: 'Turns the org-level MFA enforcement on or off.' })
  setOrgMfaRequired(@Ctx() ctx: GraphQLContext, @Arg('required', () => Boolean) required: boolean): Promise<Org> {
    return this.services.membership.setOrgMfaRequired(ctx, required);
  }

  @Authorized(Op.MfaExemptionsRead)
  @Query(() => MfaExemptionConnection, {
    nullable: true,
    description: 'Members opted out of MFA enforcement (expired opt-outs too), by user id: since when, by whom, until when, why.',
  })
  mfaExemptions(@Ctx() ctx: GraphQLContext, @Args(() => ExemptionArgs) args: ExemptionArgs): Promise<MfaExemptionConnection | null> {
    return this.services.mfaExemptions.list(ctx, args);
  }
}

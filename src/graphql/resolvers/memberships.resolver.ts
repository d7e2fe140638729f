import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../../services';
import { Op } from '../../services/access/policy';
import { parseId } from '../../services/common/ids';
import type { GraphQLContext } from '../context';
import { SetOrgMfaRequiredInput, UpdateMembershipInput } from '../types/memberships.inputs';
import { SetOrgMfaRequiredPayload, UpdateMembershipPayload } from '../types/memberships.payloads';
import { fieldsOf, payload } from '../types/mutation.types';
import { MfaExemptionConnection } from '../types/connections.types';
import { ExemptionArgs } from '../types/lists.args';

/** Admin operations on memberships and the org's MFA setting (services/memberships/membership.service.ts). */
@Resolver()
export class MembershipResolver {
  constructor(private readonly services: Services) {}

  @Authorized(Op.MembershipUpdate)
  @Mutation(() => UpdateMembershipPayload, {
    description:
      "Partial update of a member's flags (fields not sent stay as they are). Send the `version` you read to get CONFLICT instead of overwriting a concurrent change.",
  })
  async updateMembership(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => UpdateMembershipInput, { description: 'The member, the fields to change and optionally the version you read.' })
    input: UpdateMembershipInput,
  ): Promise<UpdateMembershipPayload> {
    const ref = { id: parseId(input.userId, 'userId') };
    const m = await this.services.membership.updateMembership(ctx, ref, fieldsOf(input, 'userId', 'version'), input.version);
    return payload(input, { membership: m, userId: m.userId });
  }

  @Authorized(Op.OrgMfaSet)
  @Mutation(() => SetOrgMfaRequiredPayload, { description: 'Turns the org-level MFA enforcement on or off.' })
  async setOrgMfaRequired(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => SetOrgMfaRequiredInput, { description: 'The new setting.' }) input: SetOrgMfaRequiredInput,
  ): Promise<SetOrgMfaRequiredPayload> {
    return payload(input, { org: await this.services.membership.setOrgMfaRequired(ctx, input.required) });
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

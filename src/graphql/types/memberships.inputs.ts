import { Field, ID, InputType, Int } from 'type-graphql';
import { MutationInput } from './mutation.types';

/**
 * A partial update of a membership (docs/product.md rule 17): omitted fields stay as they are. An
 * explicit null is refused for the flags; for mfaOptOutUntil / mfaOptOutReason null clears them.
 * Unknown fields are rejected by GraphQL itself, and again by the service (rule 18).
 */
@InputType({
  description:
    "updateMembership: partial update of a member's Account Status flags: fields not sent stay as they are. Send the `version` you read to get CONFLICT instead of overwriting a concurrent change.",
})
export class UpdateMembershipInput extends MutationInput {
  @Field(() => ID, { description: 'The member of your org (not yourself for isAdmin, isActive and the opt-out).' })
  userId: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The membership `version` you read; a different current version is CONFLICT. Omit to overwrite.',
  })
  version?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Enable User.' })
  isActive?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Admin of the org (never together with hasAdvancedPermissions).' })
  isAdmin?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'All Data Access.' })
  allAccess?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Portal URL Access.' })
  portalAccess?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: "Opt the member out of the org's MFA enforcement (true) or end the opt-out (false, clears until and reason).",
  })
  mfaOptOut?: boolean;

  @Field(() => Date, { nullable: true, description: 'End of the opt-out (a future date-time); null = no end.' })
  mfaOptOutUntil?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the member is opted out (at most 500 characters, one line).' })
  mfaOptOutReason?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Do not count this member toward licensed seats.' })
  excludeFromMembershipCount?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Advanced permissions (standard users only).' })
  hasAdvancedPermissions?: boolean;
}

@InputType({ description: "setOrgMfaRequired: the org's MFA enforcement." })
export class SetOrgMfaRequiredInput extends MutationInput {
  @Field(() => Boolean, { description: 'true: every member not opted out needs MFA at sign-in; false: nobody does.' })
  required: boolean;
}

import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MemberNode } from './members.types';

/**
 * A partial update of a membership (docs/product.md rule 17): omitted fields stay as they are. An
 * explicit null is refused for the flags; for mfaOptOutUntil / mfaOptOutReason null clears them.
 * Unknown fields are rejected by GraphQL itself, and again by the service (rule 18).
 */
@InputType({ description: 'Partial update of the Account Status flags: fields not sent stay as they are.' })
export class UpdateMembershipInput {
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

@ObjectType({ description: "A member opted out of the org's MFA enforcement." })
export class MfaExemption {
  @Field(() => MemberNode, { description: 'The member who is opted out.' })
  user: MemberNode;

  @Field(() => Date, { nullable: true, description: 'When the opt-out was granted.' })
  since: Date | null;

  @Field(() => ID, { nullable: true, description: 'The admin who granted it.' })
  grantedByUserId: number | null;

  @Field(() => MemberNode, { nullable: true, description: 'The granting admin, while still a member of this org.' })
  grantedBy: MemberNode | null;

  @Field(() => Date, { nullable: true, description: 'When the opt-out ends; null = no end.' })
  until: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the member is opted out, as the admin wrote it; null when not given.' })
  reason: string | null;

  @Field(() => Boolean, { description: 'False once `until` has passed: sign-in enforces MFA again for this member.' })
  effective: boolean;
}

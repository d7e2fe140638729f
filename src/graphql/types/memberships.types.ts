import { Field, ID, ObjectType } from 'type-graphql';
import { MemberNode } from './members.types';

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

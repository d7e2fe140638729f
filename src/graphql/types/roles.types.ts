import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'One user in a role sync feed.' })
export class RoleFeedEntry {
  @Field(() => ID, { description: 'The user; kept when they have left the org (user is then null).' })
  userId: number;

  @Field(() => Date, {
    description:
      "When the role was removed (removed feed), or the holder's latest change: assignment, profile or membership (updated feed). Exact to the microsecond (six fraction digits).",
  })
  at: Date;
}


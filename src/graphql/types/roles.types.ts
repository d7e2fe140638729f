import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'One user in a role sync feed.' })
export class RoleFeedEntry {
  @Field(() => ID)
  userId: number;

  @Field(() => Date, { description: 'When the role was removed (removed feed), or the latest change (updated feed).' })
  at: Date;
}


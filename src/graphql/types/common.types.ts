import { Field, ObjectType } from 'type-graphql';

/** Relay-style paging state of a connection. */
@ObjectType({ simpleResolvers: true, description: 'Where a page of a list stands (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow this page: ask again with after = endCursor.' })
  hasNextPage: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'The cursor of the last item of this page. On an empty page: null, except in the sync feeds, where it is the `after` you sent (resume from it).',
  })
  endCursor: string | null;
}

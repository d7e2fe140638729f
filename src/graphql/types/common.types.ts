import { Field, ObjectType, registerEnumType } from 'type-graphql';

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

/**
 * Registers an enum with one description per value. `values` is a total record of the enum's
 * keys, so a value added to the enum fails the type check until it is described.
 */
export function registerDescribedEnum<T extends Record<string, string>>(
  enumObject: T,
  name: string,
  description: string,
  values: Record<keyof T, string>,
): void {
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: Object.fromEntries(Object.entries(values).map(([key, d]) => [key, { description: d }])) as Partial<
      Record<keyof T, { description: string }>
    >,
  });
}

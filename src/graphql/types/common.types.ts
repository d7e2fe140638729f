import { registerEnumType } from 'type-graphql';

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

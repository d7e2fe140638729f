/**
 * The sort/search keys copied onto each membership row (see Membership). Lower-cased with
 * toLowerCase (locale-independent) so that the same key is computed by every process.
 */
export function memberKeys(u: { firstName: string; lastName: string; email: string }): {
  nameKey: string;
  fullNameKey: string;
  emailKey: string;
} {
  const first = u.firstName.trim().toLowerCase();
  const last = u.lastName.trim().toLowerCase();
  return {
    nameKey: `${last} ${first}`.trim(),
    fullNameKey: `${first} ${last}`.trim(),
    emailKey: u.email.trim().toLowerCase(),
  };
}

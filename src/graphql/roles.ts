/**
 * Roles used with @Authorized. `@Authorized()` (no role) means: a full session of any member.
 * Every root field must carry @Authorized (a test walks the schema).
 */
export const Role = {
  /** No session needed (signIn, activateAccount). */
  PUBLIC: 'PUBLIC',
  /** Any live session of any kind (signOut). */
  ANY_SESSION: 'ANY_SESSION',
  /** An active admin of the session's org, not impersonated. */
  ADMIN: 'ADMIN',
  /** Admin, or the member reading their own record (object fields of User). */
  ADMIN_OR_SELF: 'ADMIN_OR_SELF',
  /** A full session or an enrollment-only session (generateMfaTempSecret, validateMfaCode). */
  MFA_ENROLLMENT: 'MFA_ENROLLMENT',
  /** An MFA-challenge session (verifyMfa). */
  MFA_CHALLENGE: 'MFA_CHALLENGE',
} as const;
export type RoleName = (typeof Role)[keyof typeof Role];

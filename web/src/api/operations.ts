/**
 * Every GraphQL document the console sends, with its result and variable types. The console
 * imports operations from here only, so a change of the API's shapes (mutation inputs and
 * payloads, connections, invitations) is one edit in this file, and `tsc -p web` then points
 * at every screen that must follow. The types mirror schema.graphql at the repository root.
 */
import { gql, type TypedDocumentNode } from '@apollo/client';

/* ------------------------------------------------------------------------------------------ */
/* Shapes                                                                                      */
/* ------------------------------------------------------------------------------------------ */

type SignInStatus = 'SIGNED_IN' | 'MFA_REQUIRED' | 'MFA_ENROLLMENT_REQUIRED';
type SessionKind = 'FULL' | 'MFA_CHALLENGE' | 'MFA_ENROLLMENT';

export interface SignInResult {
  status: SignInStatus;
  token: string;
  expiresAt: string;
}

export interface PersonName {
  id: string;
  firstName: string;
  lastName: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface MembershipFlags {
  id: string;
  userId: string;
  isActive: boolean;
  isAdmin: boolean;
  allAccess: boolean;
  portalAccess: boolean;
  hasAdvancedPermissions: boolean;
  excludeFromMembershipCount: boolean;
  mfaOptOut: boolean;
  mfaOptOutUntil: string | null;
  mfaOptOutReason: string | null;
  version: number;
}

/** The UserFilter input (every field admin-only). */
export interface UserFilter {
  isActive?: boolean;
  isAdmin?: boolean;
  allAccess?: boolean;
  portalAccess?: boolean;
  hasAdvancedPermissions?: boolean;
  mfaOptOut?: boolean;
  mfaEnrolled?: boolean;
  roleId?: string;
  groupId?: string;
}

export interface MembershipChanges {
  isActive?: boolean;
  isAdmin?: boolean;
  allAccess?: boolean;
  portalAccess?: boolean;
  hasAdvancedPermissions?: boolean;
  mfaOptOut?: boolean;
  mfaOptOutUntil?: string | null;
  mfaOptOutReason?: string | null;
}

export interface ProfileChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  language?: string;
}

export interface NewUser {
  firstName: string;
  lastName: string;
  email: string;
  isAdmin?: boolean;
  allAccess?: boolean;
  portalAccess?: boolean;
  language?: string;
}

/** Selections several documents share (plain text spliced into the documents). */
const SESSION_FIELDS = 'status token expiresAt';
const PERSON_FIELDS = 'id firstName lastName';
const PAGE_INFO_FIELDS = 'pageInfo { hasNextPage endCursor }';

/* ------------------------------------------------------------------------------------------ */
/* Signing in and out                                                                          */
/* ------------------------------------------------------------------------------------------ */

export const SIGN_IN: TypedDocumentNode<{ signIn: SignInResult }, { orgSlug: string; email: string; password: string }> = gql`
  mutation ConsoleSignIn($orgSlug: String!, $email: String!, $password: String!) {
    signIn(input: { orgSlug: $orgSlug, email: $email, password: $password }) {
      ${SESSION_FIELDS}
    }
  }
`;

export const VERIFY_MFA: TypedDocumentNode<{ verifyMfa: SignInResult }, { code: string }> = gql`
  mutation ConsoleVerifyMfa($code: String!) {
    verifyMfa(input: { code: $code }) {
      ${SESSION_FIELDS}
    }
  }
`;

export interface MfaTempSecret {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
  expiresAt: string;
}

export const GENERATE_MFA_SECRET: TypedDocumentNode<{ generateMfaTempSecret: { tempSecret: MfaTempSecret } }, Record<string, never>> = gql`
  mutation ConsoleGenerateMfaTempSecret {
    generateMfaTempSecret {
      tempSecret {
        secret
        otpauthUri
        qrCodeDataUrl
        expiresAt
      }
    }
  }
`;

export const VALIDATE_MFA_CODE: TypedDocumentNode<
  { validateMfaCode: { recoveryCodes: string[]; session: SignInResult | null } },
  { code: string }
> = gql`
  mutation ConsoleValidateMfaCode($code: String!) {
    validateMfaCode(input: { code: $code }) {
      recoveryCodes
      session {
        ${SESSION_FIELDS}
      }
    }
  }
`;

export const SIGN_OUT: TypedDocumentNode<{ signOut: { signedOut: boolean } }, Record<string, never>> = gql`
  mutation ConsoleSignOut {
    signOut {
      signedOut
    }
  }
`;

export const ACTIVATE_ACCOUNT: TypedDocumentNode<{ activateAccount: { activated: boolean } }, { token: string; password: string }> = gql`
  mutation ConsoleActivateAccount($token: String!, $password: String!) {
    activateAccount(input: { token: $token, password: $password }) {
      activated
    }
  }
`;

export interface Me {
  sessionKind: SessionKind;
  expiresAt: string;
  user: PersonName & { email: string };
  org: { id: string; name: string; slug: string; mfaRequired: boolean };
  membership: { id: string; isAdmin: boolean; isActive: boolean };
  impersonator: PersonName | null;
}

export const ME: TypedDocumentNode<{ me: Me }, Record<string, never>> = gql`
  query ConsoleMe {
    me {
      sessionKind
      expiresAt
      user {
        id
        firstName
        lastName
        email
      }
      org {
        id
        name
        slug
        mfaRequired
      }
      membership {
        id
        isAdmin
        isActive
      }
      impersonator {
        ${PERSON_FIELDS}
      }
    }
  }
`;

/* ------------------------------------------------------------------------------------------ */
/* User Management                                                                             */
/* ------------------------------------------------------------------------------------------ */

export interface UserCounts {
  licensedSeats: number | null;
  enabled: number;
  inactive: number;
  countedTowardSeats: number;
}

export const USER_COUNTS: TypedDocumentNode<{ userCounts: UserCounts }, Record<string, never>> = gql`
  query ConsoleUserCounts {
    userCounts {
      licensedSeats
      enabled
      inactive
      countedTowardSeats
    }
  }
`;

export interface MemberRow extends PersonName {
  email: string;
  lastLoginAt: string | null;
  mfaEnrolled: boolean;
  membership: { id: string; isAdmin: boolean; isActive: boolean; mfaOptOut: boolean };
}

export interface MembersVars {
  search?: string | null;
  filter?: UserFilter | null;
  first?: number;
  after?: string | null;
}

/** The member list as an admin sees it. */
export const MEMBERS: TypedDocumentNode<{ users: { nodes: MemberRow[]; pageInfo: PageInfo } }, MembersVars> = gql`
  query ConsoleMembers($search: String, $filter: UserFilter, $first: Int, $after: String) {
    users(search: $search, filter: $filter, first: $first, after: $after) {
      nodes {
        id
        firstName
        lastName
        email
        lastLoginAt
        mfaEnrolled
        membership {
          id
          isAdmin
          isActive
          mfaOptOut
        }
      }
      ${PAGE_INFO_FIELDS}
    }
  }
`;

/** The member list as any member sees it: names only (the API refuses the rest to non-admins). */
export const MEMBER_NAMES: TypedDocumentNode<{ users: { nodes: PersonName[]; pageInfo: PageInfo } }, Omit<MembersVars, 'filter'>> = gql`
  query ConsoleMemberNames($search: String, $first: Int, $after: String) {
    users(search: $search, first: $first, after: $after) {
      nodes {
        ${PERSON_FIELDS}
      }
      ${PAGE_INFO_FIELDS}
    }
  }
`;

export interface Named {
  id: string;
  name: string;
}

/** A page of a connection as the console reads it (nodes and pageInfo; cursors per edge are not needed). */
export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** The filter dropdowns: the first 200 roles and groups (the lists' maximum page; orgs have a handful). */
export const ROLES_AND_GROUPS: TypedDocumentNode<{ roles: Page<Named>; userGroups: Page<Named> }, Record<string, never>> = gql`
  query ConsoleRolesAndGroups {
    roles(first: 200) {
      nodes {
        id
        name
      }
      ${PAGE_INFO_FIELDS}
    }
    userGroups(first: 200) {
      nodes {
        id
        name
      }
      ${PAGE_INFO_FIELDS}
    }
  }
`;

/** An invitation: the token goes to the invitee's mailbox only (docs/accounts.md), never to the admin. */
export interface CreatedUser {
  user: PersonName & { email: string };
  activation: { purpose: string; expiresAt: string };
}

export const CREATE_USER: TypedDocumentNode<{ createUser: CreatedUser }, { input: NewUser }> = gql`
  mutation ConsoleCreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        firstName
        lastName
        email
      }
      activation {
        purpose
        expiresAt
      }
    }
  }
`;

export interface ImpersonationResult {
  token: string;
  expiresAt: string;
  user: PersonName;
}

export const IMPERSONATE: TypedDocumentNode<{ impersonate: ImpersonationResult }, { userId: string }> = gql`
  mutation ConsoleImpersonate($userId: ID!) {
    impersonate(input: { userId: $userId }) {
      token
      expiresAt
      user {
        ${PERSON_FIELDS}
      }
    }
  }
`;

export const STOP_IMPERSONATING: TypedDocumentNode<{ stopImpersonating: { impersonationEnded: boolean } }, Record<string, never>> = gql`
  mutation ConsoleStopImpersonating {
    stopImpersonating {
      impersonationEnded
    }
  }
`;

/* ------------------------------------------------------------------------------------------ */
/* Edit User                                                                                   */
/* ------------------------------------------------------------------------------------------ */

export interface EditableUser extends PersonName {
  email: string;
  language: string;
  lastLoginAt: string | null;
  mfaEnrolled: boolean;
  membership: MembershipFlags;
}

const MEMBERSHIP_FIELDS = `
  id
  userId
  isActive
  isAdmin
  allAccess
  portalAccess
  hasAdvancedPermissions
  excludeFromMembershipCount
  mfaOptOut
  mfaOptOutUntil
  mfaOptOutReason
  version
`;

export const EDIT_USER: TypedDocumentNode<{ user: EditableUser }, { id: string }> = gql`
  query ConsoleEditUser($id: ID!) {
    user(id: $id) {
      id
      firstName
      lastName
      email
      language
      lastLoginAt
      mfaEnrolled
      membership {
        ${MEMBERSHIP_FIELDS}
      }
    }
  }
`;

/** `input` is `{ userId, ...changes }` (one input per mutation, docs/graphql.md). */
export const UPDATE_USER: TypedDocumentNode<
  { updateUser: { user: PersonName & { email: string; language: string } } },
  { input: ProfileChanges & { userId: string } }
> = gql`
  mutation ConsoleUpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) {
      user {
        id
        firstName
        lastName
        email
        language
      }
    }
  }
`;

/** `input` is `{ userId, version, ...changes }`; the payload's membership replaces the cached one (same id). */
export const UPDATE_MEMBERSHIP: TypedDocumentNode<
  { updateMembership: { membership: MembershipFlags } },
  { input: MembershipChanges & { userId: string; version?: number } }
> = gql`
  mutation ConsoleUpdateMembership($input: UpdateMembershipInput!) {
    updateMembership(input: $input) {
      membership {
        ${MEMBERSHIP_FIELDS}
      }
    }
  }
`;

/** The payload's user refreshes the cached member's mfaEnrolled. */
export const RESET_MFA: TypedDocumentNode<
  { resetMfa: { reset: boolean; user: { id: string; mfaEnrolled: boolean } | null } },
  { userId: string }
> = gql`
  mutation ConsoleResetMfa($userId: ID!) {
    resetMfa(input: { userId: $userId }) {
      reset
      user {
        id
        mfaEnrolled
      }
    }
  }
`;

/* ------------------------------------------------------------------------------------------ */
/* Admin Overview                                                                              */
/* ------------------------------------------------------------------------------------------ */

export interface MfaExemption {
  user: PersonName;
  since: string | null;
  until: string | null;
  reason: string | null;
  effective: boolean;
  grantedBy: PersonName | null;
}

export const ORG_MFA: TypedDocumentNode<
  { me: { org: { id: string; mfaRequired: boolean } }; mfaExemptions: Page<MfaExemption> },
  Record<string, never>
> = gql`
  query ConsoleOrgMfa {
    me {
      org {
        id
        mfaRequired
      }
    }
    mfaExemptions(first: 200) {
      nodes {
        user {
          ${PERSON_FIELDS}
        }
        since
        until
        reason
        effective
        grantedBy {
          ${PERSON_FIELDS}
        }
      }
      ${PAGE_INFO_FIELDS}
    }
  }
`;

export const SET_ORG_MFA_REQUIRED: TypedDocumentNode<
  { setOrgMfaRequired: { org: { id: string; mfaRequired: boolean } } },
  { required: boolean }
> = gql`
  mutation ConsoleSetOrgMfaRequired($required: Boolean!) {
    setOrgMfaRequired(input: { required: $required }) {
      org {
        id
        mfaRequired
      }
    }
  }
`;

export interface AuditEventFilter {
  actorId?: string;
  targetUserId?: string;
  /** The stored action name, exactly (the AuditAction enum is the kind; the console filters by name). */
  actionName?: string;
  from?: string;
  to?: string;
}

export interface AuditEventRow {
  id: string;
  at: string;
  /** The AuditAction enum value, e.g. MEMBERSHIP_UPDATE. */
  action: string;
  /** Its stored name, e.g. membership.update (what the console shows). */
  actionName: string;
  /** The AuditOutcome enum value: SUCCESS or the refusal. */
  outcome: string;
  actorId: string | null;
  actor: PersonName | null;
  targetUserId: string | null;
  target: PersonName | null;
  impersonator: PersonName | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export const AUDIT_EVENTS: TypedDocumentNode<
  { auditEvents: { nodes: AuditEventRow[]; pageInfo: PageInfo } },
  { filter?: AuditEventFilter | null; first?: number; after?: string | null }
> = gql`
  query ConsoleAuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        at
        action
        actionName
        outcome
        actorId
        actor {
          ${PERSON_FIELDS}
        }
        targetUserId
        target {
          ${PERSON_FIELDS}
        }
        impersonator {
          ${PERSON_FIELDS}
        }
        changes {
          field
          before
          after
        }
      }
      ${PAGE_INFO_FIELDS}
    }
  }
`;

/* ------------------------------------------------------------------------------------------ */
/* REST (the one call GraphQL does not carry: a file download)                                */
/* ------------------------------------------------------------------------------------------ */

/** GET /user/users/export.csv with the same search and Active/inactive filter as the list. */
export function exportCsvUrl(search: string, active: boolean | null): string {
  const q = new URLSearchParams();
  if (search.trim()) {
    q.set('search', search.trim());
  }
  if (active !== null) {
    q.set('active', String(active));
  }
  const s = q.toString();
  return `/user/users/export.csv${s ? `?${s}` : ''}`;
}

/** The ready operations GraphiQL opens with: the seed's flow, one tab each. */
export const GRAPHIQL_EXAMPLES: Array<{ query: string; variables: string }> = [
  {
    query: `# Search a member by name or email prefix (the User Management search box).
query SearchMember($search: String) {
  users(search: $search, first: 10) {
    nodes { id firstName lastName email lastLoginAt membership { mfaOptOut version } mfaEnrolled }
  }
}
`,
    variables: JSON.stringify({ search: 'val' }, null, 2),
  },
  {
    query: `# Opt a member out of the org-level MFA enforcement ("Enforce org-level MFA" off).
# Replace the userId with an id from SearchMember.
mutation OptOutOfMfa($userId: ID!) {
  updateMembership(input: { userId: $userId, mfaOptOut: true, mfaOptOutReason: "Shared device" }) {
    membership { userId mfaOptOut mfaOptOutUntil mfaOptOutReason version }
  }
}
`,
    variables: JSON.stringify({ userId: 'REPLACE_WITH_USER_ID' }, null, 2),
  },
  {
    query: `# Reset a member's org-level MFA (they enroll again at the next sign-in).
mutation ResetMfa($userId: ID!) {
  resetMfa(input: { userId: $userId }) {
    reset
    user { id mfaEnrolled }
  }
}
`,
    variables: JSON.stringify({ userId: 'REPLACE_WITH_USER_ID' }, null, 2),
  },
];

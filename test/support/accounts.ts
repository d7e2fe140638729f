/** GraphQL documents and row helpers shared by the accounts-*.test.ts files. */
export const CREATE_USER = `mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id firstName lastName email externalRef language }
    membership { isAdmin isActive excludeFromMembershipCount }
    activation { token purpose expiresAt }
  }
}`;
export const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) {
  updateUser(userId: $id, input: $input) { id firstName lastName email language externalRef }
}`;
export const DELETE_USER = 'mutation($id: ID!) { deleteUser(userId: $id) }';
export const ACTIVATE = 'mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p) }';
export const ISSUE_RESET = 'mutation($id: ID!) { issuePasswordReset(userId: $id) { token purpose expiresAt } }';
export const CHANGE_PASSWORD = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
export const IMPERSONATE = 'mutation($id: ID!) { impersonate(userId: $id) { token expiresAt user { id firstName } } }';
export const STOP_IMPERSONATING = 'mutation { stopImpersonating }';
export const ME = '{ me { user { id } membership { isAdmin } sessionKind impersonator { id firstName } } }';

export const STRONG_PASSWORD = 'violet-Harbour-kettle-42';

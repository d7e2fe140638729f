/**
 * The console's session lives in this tab only (sessionStorage, never localStorage or a
 * cookie): closing the tab forgets it. /graphiql and /docs (same origin, same tab) read the
 * same key to start already authorized. The key is also spelled in src/rest/docs.ts.
 */
const TOKEN_KEY = 'gatehouse.session.token';
/** While impersonating: the admin's own token, restored by Stop. */
export const ADMIN_TOKEN_KEY = 'gatehouse.session.adminToken';

export function readToken(key: string = TOKEN_KEY): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeToken(token: string | null, key: string = TOKEN_KEY): void {
  if (token) {
    window.sessionStorage.setItem(key, token);
  } else {
    window.sessionStorage.removeItem(key);
  }
}

/** The one GraphQL-over-HTTP client of the tests (in-process apps, sibling servers, spawned processes). */
export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  headers: Headers;
  /** The parsed JSON body as the server sent it (a non-GraphQL answer, e.g. a 503 while draining, too). */
  body: any;
}

/** POSTs one operation to `${baseUrl}/graphql` as JSON, with a bearer token when given. A non-JSON answer becomes one error `HTTP_<status>`. */
export async function postGraphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text, extensions: { code: `HTTP_${res.status}` } }] };
  }
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers, body };
}

/** The error code of the first GraphQL error, or undefined. */
export function errorCode(r: { errors?: GqlResponse['errors'] }): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

/**
 * The entry point of the test support: re-exports one module per concern, so a test file can
 * import everything it needs from here.
 *   databases.ts       the engine of this jest project, fresh databases, the test MFA key
 *   app.ts             the real server on an ephemeral port, with a GraphQL and an HTTP client
 *   graphql-client.ts  the one GraphQL-over-HTTP client (also for sibling and spawned servers)
 *   principals.ts      orgs, members and signed-in principals (asAdmin, asMember, ...)
 *   clock.ts           faking Date only (the server runs in this process), the MFA test clock
 *   rows.ts            reading audit rows and row counts directly
 *   tools.ts           external programs found on PATH (skip outside CI, fail under CI=true)
 *   ports.ts           a free TCP port
 */
export * from './databases';
export * from './app';
export * from './graphql-client';
export * from './principals';
export * from './clock';
export * from './rows';

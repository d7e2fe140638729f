import type { RestRoute } from '../router';
import { responses, schemas, type Json } from './components';

/**
 * The OpenAPI 3.1 document of the legacy REST shim (served at /openapi.json, rendered by the
 * Swagger UI at /docs), assembled from the operation each route declares beside its handler, so
 * it lists exactly the routes the router serves. Paths, summaries and the example membership
 * body are those of the legacy Swagger page the seed article shows. A fresh object each call:
 * callers may not share mutations.
 */
export function openApiDocument(routes: readonly RestRoute[]): Json {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    paths[r.path] ??= {};
    paths[r.path][r.method.toLowerCase()] = structuredClone(r.doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse legacy REST API',
      version: '1.0.0',
      description:
        'The legacy `/user/...` paths, on the same services, rules and audit trail as the GraphQL API at /graphql. Opened from the admin console (/admin/, Admin Overview → Tools → **Swagger Docs**) this page is already authorized with the console\'s session. Otherwise sign in with the GraphQL `signIn` mutation, then click **Authorize** and paste the token; it is kept for this browser tab only. JSON in and out; errors are `{ "error", "message", "field"? , "requestId"? }`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'user', description: 'Users, memberships and MFA' },
      { name: 'org', description: 'Org settings' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The session token from the GraphQL signIn mutation (or verifyMfa / validateMfaCode).',
        },
      },
      schemas: structuredClone(schemas),
      responses: structuredClone(responses),
    },
  };
}

import type { RequestContext } from '../context';

/** The GraphQL context is the request context; `deniedAudited` avoids one audit row per denied list cell. */
export type GraphQLContext = RequestContext & { deniedAudited?: boolean };

/** The largest request body accepted by /graphql and the REST shim: more is a 413. */
export const BODY_LIMIT = '100kb';

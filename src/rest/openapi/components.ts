/**
 * What the OpenAPI document of the REST shim shares between routes: schemas, error responses,
 * parameters and small builders. Each route declares its own operation beside its handler
 * (rest/routes/*.routes.ts); document.ts assembles them. The e2e tests check real responses
 * against the response schemas below.
 */

export type Json = Record<string, unknown>;

/**
 * The example body of PUT /user/users/{id}/membership: the seed article's step 6 result, the
 * opt-out alone. Its "Example Value" listed six flags (isActive, isAdmin, allAccess, ...) and an
 * admin who ran it untrimmed granted All Data Access; the other fields stay documented in the
 * MembershipUpdate schema.
 */
export const MEMBERSHIP_EXAMPLE = { mfaOptOut: true };

/**
 * The example of a `{id}` path parameter: Swagger UI pre-fills it in "Try it out". Not a real
 * id (the old `42` edited whoever user 42 was): the parameter's pattern fails it in Swagger UI
 * (Execute refuses to send it), and the server answers 400 for it (not a number; with
 * byRef=true, no externalRef has angle brackets: 404).
 */
export const ID_PLACEHOLDER = '<user id>';

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: 'null' }] });
const str = (description?: string, extra: Json = {}): Json => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const bool = (description?: string): Json => ({ type: 'boolean', ...(description ? { description } : {}) });
const int = (description?: string, extra: Json = {}): Json => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
const dateTime = (description?: string): Json => str(description, { format: 'date-time' });

function object(properties: Record<string, Json>, required: string[] = Object.keys(properties), extra: Json = {}): Json {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

const json = (schema: Json, example?: unknown): Json => ({
  'application/json': { schema, ...(example !== undefined ? { example } : {}) },
});

export const ok = (description: string, schema: Json, example?: unknown): Json => ({ description, content: json(schema, example) });

type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 429 | 500 | 503;
const ERROR_RESPONSES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'RateLimited',
  500: 'InternalError',
  503: 'Unavailable',
};

/** Every operation may answer 401, 500 and 503; mutations also 413/415 (body) and 405 (wrong method). */
export function errors(...statuses: ErrorStatus[]): Json {
  const all = new Set<ErrorStatus>([...statuses, 401, 500, 503]);
  return Object.fromEntries([...all].sort().map((s) => [String(s), { $ref: `#/components/responses/${ERROR_RESPONSES[s]}` }]));
}

export const BODY_ERRORS: ErrorStatus[] = [400, 405, 413, 415];

export const byRefParam: Json = {
  name: 'byRef',
  in: 'query',
  required: false,
  description: "true: `{id}` is the user's externalRef (the id in your own system) instead of the numeric Gatehouse id.",
  schema: { type: 'boolean', default: false },
};
export const idParam: Json = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The numeric user id (User Management shows it in the address of the Edit User page), or the externalRef when byRef=true.',
  schema: { type: 'string', pattern: '^[^<>]+$' },
  example: ID_PLACEHOLDER,
};
export const ifMatchParam: Json = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The membership `version` you read (a bare number or an entity tag such as `"7"`). When it is stale nothing is written and the answer is 412.',
  schema: { type: 'string' },
};

export const PAGE_FILTER_PARAMS: Json[] = [
  {
    name: 'search',
    in: 'query',
    required: false,
    description: 'Prefix of first name, last name, full name or (admins only) email; case-insensitive.',
    schema: { type: 'string', maxLength: 200 },
  },
  {
    name: 'active',
    in: 'query',
    required: false,
    description: 'true: enabled members only; false: inactive members only; absent: all (admin-only filter).',
    schema: { type: 'boolean' },
  },
  {
    name: 'sort',
    in: 'query',
    required: false,
    description:
      '`field[,asc|desc]` with field `lastName` (default), `email`, `lastLoginAt` or `createdAt` (all but lastName are admin-only).',
    schema: { type: 'string', example: 'lastName,asc' },
  },
];

export const feedParams: Json[] = [
  { name: 'roleId', in: 'query', required: true, description: 'The role (of your org).', schema: { type: 'integer', minimum: 1 } },
  {
    name: 'since',
    in: 'query',
    required: true,
    description: 'Inclusive lower bound: an ISO 8601 timestamp with a zone, exact to the microsecond, e.g. 2024-09-04T15:05:00.000001Z.',
    schema: { type: 'string', format: 'date-time' },
  },
  {
    name: 'size',
    in: 'query',
    required: false,
    description: 'Entries per call, 1 to 500 (default 100).',
    schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
  {
    name: 'after',
    in: 'query',
    required: false,
    description: '`nextCursor` of the previous answer to read on, or its `cursor` to resume on a later poll (same `since`).',
    schema: { type: 'string' },
  },
];

export const schemas: Record<string, Json> = {
  Error: object(
    {
      error: str(
        'UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, SEAT_LIMIT_REACHED, RATE_LIMITED, PRECONDITION_FAILED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, METHOD_NOT_ALLOWED, BAD_REQUEST, SERVICE_UNAVAILABLE or INTERNAL_SERVER_ERROR.',
      ),
      message: str('What went wrong, for a person.'),
      field: str('The offending input field (400).'),
      requestId: str('On 5xx answers: the server log has the details under this id (also the X-Request-Id header).'),
    },
    ['error', 'message'],
  ),
  Membership: object(
    {
      userId: int(),
      isActive: bool('Enable User.'),
      isAdmin: bool('Admin.'),
      allAccess: bool('All Data Access.'),
      portalAccess: bool('Portal URL Access.'),
      mfaOptOut: bool('Opted out of the org-level MFA enforcement ("Enforce org-level MFA" switched off for this user).'),
      mfaOptOutUntil: nullable(dateTime('When set, the opt-out ends at this time (MFA is enforced again, no job needed).')),
      mfaOptOutReason: nullable(str()),
      excludeFromMembershipCount: bool('Not counted toward the licensed seats.'),
      hasAdvancedPermissions: bool('Advanced permissions (standard users only: never together with isAdmin).'),
      version: int('Optimistic-lock version: send it back in If-Match to detect concurrent edits.'),
      updatedAt: nullable(dateTime()),
    },
    undefined,
    { description: "A user's membership in your org: the Account Status flags." },
  ),
  MembershipUpdate: object(
    {
      isActive: bool('Enable User.'),
      isAdmin: bool(),
      allAccess: bool('All Data Access.'),
      mfaOptOut: bool('true opts the user out of the org-level MFA enforcement.'),
      excludeFromMembershipCount: bool(),
      hasAdvancedPermissions: bool(),
      portalAccess: bool('Portal URL Access.'),
      mfaOptOutUntil: nullable(dateTime('End of the opt-out (future, with a time zone); null: no end.')),
      mfaOptOutReason: nullable(str('Why (one line, at most 500 characters).', { maxLength: 500 })),
    },
    [],
    {
      description:
        'A partial update: send only the fields to change; the others stay as they are. An unknown field or a value of the wrong type is a 400 naming the field. Sending the current values changes nothing and records nothing.',
      example: MEMBERSHIP_EXAMPLE,
    },
  ),
  User: object(
    {
      id: int(),
      firstName: str(),
      lastName: str(),
      externalRef: nullable(str("Your org's own id for this member, unique within your org (byRef=true).")),
      email: str("The account's sign-in address; while invited, the address the invitation went to.", { format: 'email' }),
      language: str('BCP 47 tag, e.g. en-US.'),
      lastLoginAt: nullable(dateTime('The last sign-in to your org.')),
      createdAt: dateTime('Member (or invited) since.'),
      status: { type: 'string', enum: ['invited', 'active'], description: 'invited: not joined yet (not active, no seat).' },
      membership: ref('Membership'),
    },
    ['id', 'firstName', 'lastName'],
    {
      description:
        "A member of your org, as your org knows them (names, language, externalRef and last sign-in are your org's; another org's never show). Every member sees id, firstName and lastName of the others; the other fields are present only for an admin, or on your own record.",
    },
  ),
  UserUpdate: object(
    {
      firstName: str(undefined, { minLength: 1, maxLength: 100 }),
      lastName: str(undefined, { minLength: 1, maxLength: 100 }),
      email: str('A confirmation token goes to the new address; the email changes when it is redeemed (confirmEmailChange).', {
        format: 'email',
      }),
      language: str('BCP 47 tag.'),
      externalRef: nullable(str('Admins only; unique within your org; null clears it.')),
    },
    [],
    {
      description:
        "A partial update of your org's profile of a member: fields not sent stay as they are. A member may change their own names, language and email.",
    },
  ),
  Org: object({
    id: int(),
    name: str(),
    slug: str(),
    mfaRequired: bool('Enforce org-level MFA.'),
    licensedSeats: nullable(int('Seat limit; null: unlimited.')),
  }),
  Me: object({
    user: ref('User'),
    org: ref('Org'),
    membership: ref('Membership'),
    sessionKind: { type: 'string', enum: ['full', 'mfa_challenge', 'mfa_enrollment'] },
    impersonator: nullable(ref('UserSummary')),
    expiresAt: dateTime('When this session ends.'),
  }),
  UserSummary: object({ id: int(), firstName: str(), lastName: str() }),
  UserPage: object(
    {
      content: { type: 'array', items: ref('User') },
      page: int('1-based page number.', { minimum: 1 }),
      size: int(undefined, { minimum: 1, maximum: 200 }),
      totalElements: int(undefined, { minimum: 0 }),
      totalPages: int(undefined, { minimum: 0 }),
    },
    undefined,
    { description: 'One page of members, with totals.' },
  ),
  MemberCounts: object(
    {
      count: int('Active members not excluded from the membership count (they use a licensed seat).', { minimum: 0 }),
      licensedSeats: nullable(int('Seat limit; null: unlimited.')),
      enabled: int('Enabled members.', { minimum: 0 }),
      inactive: int('Inactive members.', { minimum: 0 }),
    },
    undefined,
    { description: 'The "100 Licensed Users | 11 Enabled | 0 Inactive" header.' },
  ),
  RoleFeed: object({
    content: {
      type: 'array',
      items: object({
        userId: int(),
        at: dateTime('When the user lost the role (removed feed), or the latest change (updated feed); exact to the microsecond.'),
      }),
    },
    nextCursor: nullable(str('Pass as `after` to read on; null at the end.')),
    cursor: nullable(
      str(
        'Where this page ends (also on the last page): keep `since` and send it as `after` on the next poll to resume with no gap or repeat.',
      ),
    ),
  }),
  MfaTempSecret: object(
    {
      secret: str('Base32 TOTP secret (160 bits): shown this once.'),
      otpauthUri: str('otpauth://totp/... URI for authenticator apps.'),
      qrCodeDataUrl: str('The URI as a PNG QR code (data: URL).'),
      expiresAt: dateTime('Complete enrollment with validateCode before this (10 minutes).'),
    },
    undefined,
    { description: 'A pending TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s).' },
  ),
  MfaCode: object({ token: str('The 6-digit code from the authenticator app.', { pattern: '^[0-9]{6}$', example: '123456' }) }),
  MfaEnrolled: object({
    recoveryCodes: { type: 'array', items: str(), description: 'Ten single-use recovery codes: shown this once.' },
    session: nullable(
      object({ status: { type: 'string', enum: ['SIGNED_IN'] }, token: str('The new bearer token.'), expiresAt: dateTime() }, undefined, {
        description: 'When the call was made with an enrollment-only session: the full session that replaces it.',
      }),
    ),
  }),
  MfaReset: object(
    { userId: int('The member whose org-level MFA to reset (admin). Omit the body to abandon your own enrollment in progress.') },
    ['userId'],
  ),
  MfaResetResult: object({ reset: bool('false when there was nothing to reset.') }),
  OrgMfa: object({ enabled: bool('Enforce org-level MFA for every member not opted out.') }, ['enabled'], { example: { enabled: true } }),
};

function errorResponse(description: string, example: Json, headers?: Json): Json {
  return { description, ...(headers ? { headers } : {}), content: json(ref('Error'), example) };
}

export const responses: Record<string, Json> = {
  BadRequest: errorResponse('Bad input; `field` names the offending field.', {
    error: 'BAD_USER_INPUT',
    message: 'mfaOptOut must be true or false.',
    field: 'mfaOptOut',
  }),
  Unauthenticated: errorResponse(
    'No bearer token, or the session is invalid, expired or revoked.',
    { error: 'UNAUTHENTICATED', message: 'Not signed in, or the session has ended.' },
    { 'WWW-Authenticate': { schema: { type: 'string' } } },
  ),
  Forbidden: errorResponse('Not allowed for this session (e.g. not an admin of the org).', {
    error: 'FORBIDDEN',
    message: 'Only an admin of this org may do this.',
  }),
  NotFound: errorResponse("No such user in your org (another org's user is the same answer).", {
    error: 'NOT_FOUND',
    message: 'User not found.',
  }),
  MethodNotAllowed: errorResponse(
    'This path does not accept that method (the Allow header lists those it does). X-HTTP-Method-Override is ignored.',
    { error: 'METHOD_NOT_ALLOWED', message: 'GET is not allowed here; use PUT.' },
    { Allow: { schema: { type: 'string' } } },
  ),
  Conflict: errorResponse(
    'CONFLICT (the record changed concurrently, a duplicate, or the rule needs another state) or SEAT_LIMIT_REACHED (no free licensed seat).',
    { error: 'SEAT_LIMIT_REACHED', message: 'The org has no free licensed seat.' },
  ),
  PreconditionFailed: errorResponse('The If-Match version is stale; nothing was written.', {
    error: 'PRECONDITION_FAILED',
    message: 'The membership has changed since the version in If-Match; reload it and try again.',
  }),
  PayloadTooLarge: errorResponse('The body is larger than 100 kB.', {
    error: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than 100 kB.',
  }),
  UnsupportedMediaType: errorResponse('The body is not application/json.', {
    error: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body must be application/json.',
  }),
  RateLimited: errorResponse(
    'Too many attempts; Retry-After says when to try again.',
    { error: 'RATE_LIMITED', message: 'Too many attempts; try again later.' },
    { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds.' } },
  ),
  InternalError: errorResponse('Unexpected failure: only a request id, which the server log has too.', {
    error: 'INTERNAL_SERVER_ERROR',
    message: 'Internal server error (request id 3f2a…).',
    requestId: '3f2a…',
  }),
  Unavailable: errorResponse(
    'The database is not reachable right now; retry later.',
    { error: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable.', requestId: '3f2a…' },
    { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds.' } },
  ),
};

export const jsonRequest = (schemaName: string, required = true, example?: unknown): Json => ({
  required,
  content: json(ref(schemaName), example),
});

import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { asAdmin, createMember, createOrg, errorCode, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import { CREATE_USER } from '../support/accounts';
import { UPDATE_MEMBERSHIP } from '../support/membership';
import { Membership } from '../../src/entities';
import type { Org } from '../../src/entities';

const PAYLOADS = [
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  "\\'; SELECT SLEEP(3); --",
  '%_%\\',
  '1 UNION SELECT tokenHash FROM sessions',
  'nul\u0000byte',
];

/** A value of `type` whose every string is `s` (required fields only, plus optional strings). */
function valueFor(type: GraphQLInputType, s: string): unknown {
  if (isNonNullType(type)) {
    return valueFor(type.ofType, s);
  }
  if (isListType(type)) {
    return [valueFor(type.ofType, s)];
  }
  if (isEnumType(type)) {
    return type.getValues()[0].name;
  }
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      const named = getNamedType(f.type).name;
      if (isNonNullType(f.type) || named === 'String' || named === 'ID') {
        out[f.name] = valueFor(f.type, s);
      }
    }
    return out;
  }
  switch (type.name) {
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2030-01-01T00:00:00Z';
    default:
      return s;
  }
}

/** The root fields that take at least one string-ish argument, with an operation calling each. */
function stringTakingFields(
  schema: GraphQLSchema,
): Array<{ name: string; doc: (s: string) => { query: string; variables: Record<string, unknown> } }> {
  const out = [];
  for (const [kind, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {}) as Array<GraphQLField<unknown, unknown>>) {
      // No argument, or a mutation with only an optional `input` (signOut, stopImpersonating,
      // generateMfaTempSecret): its one string is clientMutationId, echoed and never near the database.
      if (field.args.length === 0 || (kind === 'mutation' && field.args.every((a) => !isNonNullType(a.type)))) {
        continue;
      }
      const selection = isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
      out.push({
        name: `${kind} ${field.name}`,
        doc: (s: string) => ({
          query: `${kind}(${field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')}) { ${field.name}(${field.args
            .map((a) => `${a.name}: $${a.name}`)
            .join(', ')}) ${selection} }`,
          variables: Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, s)])),
        }),
      });
    }
  }
  return out;
}

/**
 * OWASP API8 / ASVS V5 (injection) and V16 (errors): SQL metacharacters in every string argument
 * of every operation are data, never SQL; an internal failure tells the client nothing about the
 * database and rolls the change back whole.
 */
describe(`injection and error masking (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('SQL metacharacters in every string argument of every operation: no internal error, no delay, tables intact', async () => {
    const intro = await app.gql<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(intro.data!);
    const fields = stringTakingFields(schema);
    expect(fields.length).toBeGreaterThanOrEqual(10);
    const usersBefore = Number((await app.ds.query('SELECT COUNT(*) AS n FROM users'))[0].n);
    const failures: string[] = [];
    for (const payload of PAYLOADS) {
      for (const f of fields) {
        const { query, variables } = f.doc(payload);
        const started = Date.now();
        const r = await app.gql(query, variables, admin.token);
        const ms = Date.now() - started;
        if (r.status >= 500 || (r.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') || ms > 2500) {
          failures.push(`${f.name} with ${JSON.stringify(payload)}: ${r.status} ${JSON.stringify(r.errors)} in ${ms} ms`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Every table is still there and holds what it held (createUser may have added members).
    expect(Number((await app.ds.query('SELECT COUNT(*) AS n FROM users'))[0].n)).toBeGreaterThanOrEqual(usersBefore);
    expect(Number((await app.ds.query('SELECT COUNT(*) AS n FROM sessions'))[0].n)).toBeGreaterThan(0);
  });

  it('a stored string with metacharacters comes back byte for byte', async () => {
    const firstName = "Robert'); DROP TABLE users;--";
    const lastName = '%_\\"`';
    const r = await admin.gql(CREATE_USER, { input: { email: `bobby-${Date.now()}@example.test`, firstName, lastName } });
    expect(r.errors).toBeUndefined();
    const row = await app.ds.getRepository(Membership).findOneByOrFail({ userId: Number(r.data!.createUser.user.id) });
    expect([row.firstName, row.lastName]).toEqual([firstName, lastName]);
  });

  it('a database failure inside a mutation: generic INTERNAL_SERVER_ERROR, no SQL or names, and the change rolled back whole', async () => {
    const m = await createMember(app, org);
    const before = await app.ds.getRepository(Membership).findOneByOrFail({ id: m.membership.id });
    // The change succeeds, then its audit row cannot be written: both must vanish.
    await app.ds.query('ALTER TABLE audit_events RENAME TO audit_events_away');
    let r;
    try {
      r = await admin.gql(UPDATE_MEMBERSHIP, { i: { userId: String(m.user.id), allAccess: !before.allAccess } });
    } finally {
      await app.ds.query('ALTER TABLE audit_events_away RENAME TO audit_events');
    }
    expect(errorCode(r)).toBe('INTERNAL_SERVER_ERROR');
    const text = JSON.stringify(r.errors!.map((e) => ({ message: e.message, extensions: e.extensions })));
    expect(text).not.toMatch(/audit|memberships|SELECT|INSERT|UPDATE|sqlite|mysql|maria|constraint|stack|\.ts:|\.js:/i);
    expect(text).not.toMatch(/\bER_[A-Z_]+|SQLITE_[A-Z]+/);
    expect(r.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: r.headers.get('x-request-id') });
    const after = await app.ds.getRepository(Membership).findOneByOrFail({ id: m.membership.id });
    expect(after.allAccess).toBe(before.allAccess);
    expect(after.version).toBe(before.version);
    // The server log has the cause under the same request id.
    expect(app.logs.some((l) => l.includes(r.headers.get('x-request-id')!) && /audit_events/.test(l))).toBe(true);
  });

  it('a unique-constraint race surfaces as a typed error, never the constraint name', async () => {
    const email = `dup-${Date.now()}@example.test`;
    const results = await Promise.all(
      [1, 2, 3].map(() => admin.gql(CREATE_USER, { input: { email, firstName: 'D', lastName: 'U', externalRef: `ref-${email}` } })),
    );
    const text = JSON.stringify(results.map((r) => r.errors ?? null));
    expect(text).not.toMatch(/UQ_|IDX_|unique|constraint|Duplicate entry|ER_DUP/i);
    expect(results.filter((r) => !r.errors).length).toBeGreaterThanOrEqual(1);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { requireTool } from './tools';
import { Membership, Org } from '../../src/entities';
import { openDataSource } from '../../ormconfig';
import { createLogger } from '../../src/logger';
import { startServer } from '../../src/server';
import { clock, postGraphql, signIn, withToken, type GqlResponse, type Principal, type TestApp, type TestMember } from './harness';

const run = promisify(execFile);

/** The code `oathtool --totp -b SECRET` prints at `atMs`: an implementation independent of ours. */
export async function oathtool(secret: string, atMs = clock.now): Promise<string> {
  const at = new Date(atMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const { stdout } = await run(requireTool('oathtool'), ['--totp', '-b', secret, '--now', at]);
  return stdout.trim();
}

export const GENERATE = 'mutation { generateMfaTempSecret { tempSecret { secret otpauthUri qrCodeDataUrl expiresAt } } }';
export const VALIDATE =
  'mutation($c: String!) { validateMfaCode(input: { code: $c }) { recoveryCodes session { status token expiresAt } } }';
export const VERIFY = 'mutation($c: String!) { verifyMfa(input: { code: $c }) { status token expiresAt } }';
export const REGENERATE = 'mutation($c: String!) { regenerateRecoveryCodes(input: { code: $c }) { recoveryCodes } }';
export const RESET = 'mutation($u: ID!) { resetMfa(input: { userId: $u }) { reset user { id mfaEnrolled } } }';
export const ME_MFA = '{ me { sessionKind mfa { enrolled enrollmentPending required optedOut recoveryCodesRemaining lockedUntil } } }';

export async function setOrgMfaRequired(app: TestApp, org: Org, required: boolean): Promise<void> {
  await app.ds.getRepository(Org).update({ id: org.id }, { mfaRequired: required });
}

export async function setOptOut(app: TestApp, m: TestMember, optOut: boolean, until: Date | null = null): Promise<void> {
  await app.ds.getRepository(Membership).update({ id: m.membership.id }, { mfaOptOut: optOut, mfaOptOutUntil: until });
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** A full session obtained by the enrollment. */
  full: Principal;
}

/**
 * Signs in (expecting MFA_ENROLLMENT_REQUIRED, or SIGNED_IN in a non-enforcing org), enrolls
 * with a code from oathtool and returns the secret, recovery codes and a full session.
 */
export async function enroll(app: TestApp, org: Org, m: TestMember): Promise<Enrolled> {
  const s = await signIn(app, org, m.email, m.password);
  const p = withToken(app, m, s.token);
  const gen = await p.gql(GENERATE);
  if (!gen.data?.generateMfaTempSecret) {
    throw new Error(`generateMfaTempSecret failed: ${JSON.stringify(gen.errors)}`);
  }
  const secret: string = gen.data.generateMfaTempSecret.tempSecret.secret;
  const v = await p.gql(VALIDATE, { c: await oathtool(secret) });
  if (!v.data?.validateMfaCode) {
    throw new Error(`validateMfaCode failed: ${JSON.stringify(v.errors)}`);
  }
  const token = v.data.validateMfaCode.session?.token ?? s.token;
  return { secret, recoveryCodes: v.data.validateMfaCode.recoveryCodes, full: withToken(app, m, token) };
}

/** Signs in expecting MFA_REQUIRED and returns the challenge principal. */
export async function challenge(app: TestApp, org: Org, m: TestMember): Promise<Principal> {
  const s = await signIn(app, org, m.email, m.password);
  if (s.status !== 'MFA_REQUIRED') {
    throw new Error(`expected MFA_REQUIRED, got ${s.status}`);
  }
  return withToken(app, m, s.token);
}

export async function factorRow(app: TestApp, membershipId: number): Promise<Record<string, any> | undefined> {
  const rows: Array<Record<string, any>> = await app.ds.query('SELECT * FROM mfa_factors WHERE membershipId = ?', [membershipId]);
  return rows[0];
}

export async function deniedCount(app: TestApp, action: string, outcome: string, targetUserId: number): Promise<number> {
  const rows: Array<{ n: number }> = await app.ds.query(
    'SELECT COUNT(*) AS n FROM audit_events WHERE action = ? AND outcome = ? AND targetUserId = ?',
    [action, outcome, targetUserId],
  );
  return Number(rows[0].n);
}

/**
 * A second server process-alike on the SAME database (its own DataSource, pool and services),
 * optionally with another MFA_ENCRYPTION_KEY: what a second instance behind a load balancer, or a
 * misconfigured one, would do.
 */
export interface Sibling {
  logs: string[];
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResponse>;
  stop(): Promise<void>;
}

export async function startSibling(app: TestApp, mfaKeyHex?: string): Promise<Sibling> {
  const config = { ...app.config, mfaEncryptionKey: mfaKeyHex ? Buffer.from(mfaKeyHex, 'hex') : app.config.mfaEncryptionKey };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const ds = await openDataSource(config.database, { poolSize: 3 });
  const server = await startServer({ config, log: createLogger('info', sink), dataSource: ds, runMigrations: false });
  return {
    logs,
    gql: (query, variables, token) => postGraphql(server.url, query, variables, token),
    stop: () => server.stop(2000),
  };
}

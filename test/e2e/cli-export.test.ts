import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import { builtMain } from '../support/build';
import { asAdmin, createMember, createOrg, startTestApp, testDbKind, TEST_MFA_KEY, type Principal, type TestApp } from '../support/harness';

/** Runs the compiled CLI against the test database; resolves with its exit code and output. */
function cli(app: TestApp, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [path.join(path.dirname(builtMain()), 'cli', 'index.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: app.config.database.url, MFA_ENCRYPTION_KEY: TEST_MFA_KEY, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += String(c)));
  proc.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

describe(`CLI users:export (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org, { firstName: 'Ada', lastName: 'Admin' });
    await createMember(app, org, { firstName: '=cmd|calc', lastName: 'Smith, Jr.' });
    await createMember(app, org, { firstName: 'Ina', lastName: 'Inactive', isActive: false });
    await createMember(app, await createOrg(app), { firstName: 'Other', lastName: 'Org' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-export-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app.stop();
  });

  it('writes the same CSV as GET /user/users/export.csv (columns, escaping), filtered, and audits it', async () => {
    const file = path.join(dir, 'all.csv');
    const r = await cli(app, ['users:export', '--org', org.slug, '--out', file]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Exported 3 member(s)') });
    const fromCli = readFileSync(file, 'utf8');
    const fromRest = await admin.http('GET', '/user/users/export.csv');
    // fetch's text() drops the BOM the REST answer starts with as well.
    expect(fromCli.startsWith('\uFEFF')).toBe(true);
    expect(fromCli.slice(1)).toBe(fromRest.text);
    const rows = parse(fromCli, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x['Last Name'])).toEqual(['Admin', 'Inactive', 'Smith, Jr.']);
    expect(rows[2]['First Name']).toBe("'=cmd|calc");

    const active = await cli(app, ['users:export', '--org', org.slug, '--active', 'false', '--sort', 'lastName,desc']);
    expect(active.code).toBe(0);
    expect((parse(active.stdout, { bom: true, columns: true }) as Array<Record<string, string>>).map((x) => x['Last Name'])).toEqual([
      'Inactive',
    ]);
    const audited = await rawQuery<{ actorUserId: unknown; changes: string }>(
      app.ds.manager,
      "SELECT actorUserId, changes FROM audit_events WHERE orgId = :o AND action = 'users.export' AND requestId = 'cli' ORDER BY id",
      { o: org.id },
    );
    expect(audited.map((a) => [a.actorUserId, JSON.parse(a.changes).rowCount, JSON.parse(a.changes).complete])).toEqual([
      [null, 3, true],
      [null, 1, true],
    ]);
  });

  it('an unknown org or a bad filter exits non-zero with a message and writes no file', async () => {
    const file = path.join(dir, 'none.csv');
    const unknown = await cli(app, ['users:export', '--org', 'no-such-org', '--out', file]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Org not found/);
    const badSort = await cli(app, ['users:export', '--org', org.slug, '--sort', 'password', '--out', file]);
    expect(badSort.code).not.toBe(0);
    expect(badSort.stderr).toMatch(/sort/);
    expect((await cli(app, ['users:export', '--org', org.slug, '--active', 'maybe'])).code).toBe(2);
    expect(existsSync(file)).toBe(false);
  });
});

import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { openDataSource } from '../../ormconfig';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { AppError } from '../errors';
import type { RequestContext } from '../context';
import { Org } from '../entities';
import { generatePassword } from './demo-data';
import { seedBulk } from './seed';
import { exportUsers } from './export-users';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate
  org:create --slug acme --name "Acme Corp" [--mfa-required] [--seats 100]
  user:create --org acme --email a@acme.test --first Ada --last Lovelace [--admin] [--external-ref X] [--password-stdin]
  seed --orgs 1000 --users 1000000 [--big-org-users 200000]
  users:export --org acme [--search PREFIX] [--active true|false] [--sort lastName[,asc|desc]] [--out FILE]
`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) {
    throw new UsageError(`--${name} is required`);
  }
  return v;
}

function int(values: Record<string, unknown>, name: string, fallback?: number): number | undefined {
  const v = values[name];
  if (v === undefined) {
    return fallback;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--${name} must be a non-negative integer (got "${String(v)}")`);
  }
  return n;
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      'mfa-required': { type: 'boolean' },
      seats: { type: 'string' },
      org: { type: 'string' },
      email: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      admin: { type: 'boolean' },
      'external-ref': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      orgs: { type: 'string' },
      users: { type: 'string' },
      'big-org-users': { type: 'string' },
      search: { type: 'string' },
      active: { type: 'string' },
      sort: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const ds = await openDataSource(config.database);
  try {
    const ctx: RequestContext = { requestId: 'cli', ip: null, principal: null, manager: ds.manager, log };
    const services = createServices(config);
    switch (command) {
      case 'migrate': {
        const ran = await ds.runMigrations({ transaction: 'each' });
        process.stdout.write(
          ran.length ? `Applied ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}\n` : 'Database is up to date.\n',
        );
        return 0;
      }
      case 'org:create': {
        await ds.runMigrations({ transaction: 'each' });
        const org = await services.provisioning.createOrg(ctx, {
          slug: need(values, 'slug'),
          name: need(values, 'name'),
          mfaRequired: !!values['mfa-required'],
          licensedSeats: int(values, 'seats') ?? null,
        });
        await services.audit.recordChange(ctx, {
          action: 'org.create',
          orgId: org.id,
          changes: { slug: { before: null, after: org.slug } },
        });
        process.stdout.write(
          `Created org ${org.slug} (id ${org.id}, MFA ${org.mfaRequired ? 'required' : 'not required'}, seats ${org.licensedSeats ?? 'unlimited'})\n`,
        );
        return 0;
      }
      case 'user:create': {
        await ds.runMigrations({ transaction: 'each' });
        const slug = need(values, 'org').toLowerCase();
        const org = await ds.manager.findOne(Org, { where: { slug } });
        if (!org) {
          throw new UsageError(`No org with slug "${slug}"`);
        }
        const password = values['password-stdin'] ? await readStdin() : generatePassword();
        const { user, existingUser } = await services.provisioning.addMember(ctx, org.id, {
          email: need(values, 'email'),
          firstName: need(values, 'first'),
          lastName: need(values, 'last'),
          isAdmin: !!values.admin,
          externalRef: (values['external-ref'] as string | undefined) ?? undefined,
          password,
        });
        await services.audit.recordChange(ctx, { action: 'user.create', orgId: org.id, targetUserId: user.id });
        process.stdout.write(
          `${existingUser ? 'Added existing user' : 'Created user'} ${user.email} (id ${user.id}) to ${org.slug}${values.admin ? ' as admin' : ''}\n`,
        );
        if (!values['password-stdin'] && !existingUser) {
          process.stdout.write(`Password: ${password}\n`);
        }
        return 0;
      }
      case 'seed': {
        await ds.runMigrations({ transaction: 'each' });
        const r = await seedBulk(ds, {
          orgs: int(values, 'orgs', 1000)!,
          users: int(values, 'users', 100_000)!,
          bigOrgUsers: int(values, 'big-org-users'),
          progress: process.stderr.isTTY === true,
        });
        process.stdout.write(
          `Seeded ${r.orgs} orgs and ${r.users} users in ${r.seconds.toFixed(1)} s ` +
            `(${Object.entries(r.phases)
              .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
              .join(', ')}).\n` +
            `Rows: ${Object.entries(r.rows)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}.\n` +
            `Big org ${r.bigOrg.slug} (${r.bigOrg.members} members); admins sign in as admin@bench-<orgId>.bench with password ${r.password}\n`,
        );
        return 0;
      }
      case 'users:export': {
        const active = values.active as string | undefined;
        if (active !== undefined && active !== 'true' && active !== 'false') {
          throw new UsageError(`--active must be true or false (got "${active}")`);
        }
        const out = values.out as string | undefined;
        const n = await exportUsers(ctx, services, {
          org: need(values, 'org'),
          filters: {
            search: (values.search as string | undefined) ?? null,
            active: active === undefined ? null : active === 'true',
            sort: (values.sort as string | undefined) ?? null,
          },
          out,
          progress: process.stderr.isTTY === true,
        });
        process.stderr.write(`Exported ${n} member(s)${out ? ` to ${out}` : ''}.\n`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
        process.stderr.write(`Error: ${e.message}\n\n${USAGE}`);
        process.exit(2);
      }
      if (e instanceof ConfigError || e instanceof AppError) {
        process.stderr.write(`Error: ${e.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}

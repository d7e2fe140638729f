/** The benchmark's command line (`npm run bench -- …`, docs/benchmark.md) and the constants derived from it. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The checkout's root (this file runs from dist/bench/). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const DATA = path.join(ROOT, 'bench', 'data');
export const RESULTS = path.join(ROOT, 'bench', 'results');
export const MFA_KEY = 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    orgs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'no-sqlite': { type: 'boolean', default: false },
    'seed-only': { type: 'boolean', default: false },
    /** mysql (a throwaway MariaDB, default) or sqlite (the embedded default, same data). */
    db: { type: 'string', default: 'mysql' },
    /** Comma-separated scenario groups: throughput, pages, search, export, signin, blocking, plans. */
    only: { type: 'string' },
    /** Another checkout whose dist/ to run beside this one (A/B of the first page). */
    against: { type: 'string' },
    /** Alternating rounds per ratio. */
    rounds: { type: 'string' },
    /** Writes V8 CPU profiles of the server processes to bench/data/profiles/. */
    profile: { type: 'boolean', default: false },
  },
});

export const DB: 'mysql' | 'sqlite' = args.db === 'sqlite' ? 'sqlite' : 'mysql';
export const ONLY = new Set((args.only ?? '').split(',').filter(Boolean));
export const want = (group: string): boolean => ONLY.size === 0 || ONLY.has(group);
export const QUICK = args.quick;
export const USERS = QUICK ? 5000 : Number(args.users);
export const ORGS = Number(args.orgs ?? (QUICK ? 20 : 1000));
export const DURATION = Number(args.duration ?? (QUICK ? 2 : 10));
export const WARMUP = QUICK ? 1 : 3;
export const CONNECTIONS = Number(args.connections ?? 10);
export const ROUNDS = Number(args.rounds ?? 2);
export const SIZE = QUICK ? 'quick' : String(USERS);
export const BIG_ORG = { id: 1, slug: 'bench-1', admin: 'admin@bench-1.bench', members: Math.floor(USERS / 5) };
export const NO_SQLITE = args['no-sqlite'];
export const SEED_ONLY = args['seed-only'];
export const AGAINST = args.against;
export const PROFILE = args.profile;

export const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
export const load1 = (): number => os.loadavg()[0];
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

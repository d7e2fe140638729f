/** The benchmark's results: rows and targets, written to bench/results/<name>.json and .md. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS } from './options';

export interface Row {
  scenario: string;
  rps?: number;
  p50?: number;
  p99?: number;
  /** CPU ms per request by process. */
  cpu?: string;
  note?: string;
  /** 1-minute load average when the row was measured. */
  load: number;
}

export interface Target {
  target: string;
  value: string;
  pass: boolean;
  /** 1-minute load average when the figure was measured. */
  load: number;
}

export interface Report {
  date: string;
  db: string;
  users: number;
  orgs: number;
  bigOrgMembers: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  only: string[];
  machine: Record<string, unknown>;
  seedSeconds: number | null;
  seedPhases: Record<string, number> | null;
  seedCpuSeconds: Record<string, number> | null;
  searchPrefixes: unknown;
  scenarios: Row[];
  raw: Record<string, unknown>;
  targets: Target[];
}

/** Writes <name>.json and <name>.md and prints the markdown. */
export function writeReport(name: string, out: Report): void {
  writeFileSync(path.join(RESULTS, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  const md = markdown(out);
  writeFileSync(path.join(RESULTS, `${name}.md`), md);
  process.stdout.write('\n' + md);
}

function markdown(out: Report): string {
  const fmt = (n: number | undefined, d = 0): string => (n === undefined ? '' : n.toFixed(d));
  const lines = [
    `## Benchmark (${out.db === 'mysql' ? 'MariaDB' : 'SQLite'}): ${out.users.toLocaleString('en-US')} users, ${out.orgs} orgs (big tenant ${out.bigOrgMembers.toLocaleString('en-US')} members)`,
    '',
    `${out.date.slice(0, 16).replace('T', ' ')} UTC · ${String(out.machine.cpu)}, ${String(out.machine.memoryGb)} GB · Node ${String(out.machine.node)} · ` +
      `${String(out.machine.database).replace(/^.*Distrib ([^,]+),.*$/, 'MariaDB $1')} · load average ${String(out.machine.loadavgStart)} → ${String(out.machine.loadavgEnd)} · ` +
      `${out.connections} connections, ${out.durationSeconds} s per scenario after warm-up, ratios averaged over ${out.rounds} alternating rounds` +
      (out.seedSeconds !== null ? ` · seeded in ${out.seedSeconds.toFixed(1)} s` : ''),
    '',
    '| scenario | req/s | p50 ms | p99 ms | CPU ms per request | note | load avg |',
    '|---|---:|---:|---:|---|---|---:|',
    ...out.scenarios.map(
      (r) => `| ${r.scenario} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.cpu ?? ''} | ${r.note ?? ''} | ${r.load.toFixed(2)} |`,
    ),
    '',
    '| target | measured | | load avg |',
    '|---|---|---|---:|',
    ...out.targets.map((t) => `| ${t.target} | ${t.value} | ${t.pass ? 'PASS' : 'FAIL'} | ${t.load.toFixed(2)} |`),
    '',
  ];
  return lines.join('\n');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { freePort } from '../test/support/ports';
import autocannon from 'autocannon';

export interface Child {
  pid: number;
  url: string;
  /** Sends an IPC message (monitored-server.ts) and resolves with the answer of that kind. */
  ask(message: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts `node [nodeArgs] entry` with env, output to logFile, and waits until GET url+readyPath answers 200. */
export async function startChild(
  entry: string,
  env: Record<string, string>,
  logFile: string,
  opts: { readyPath?: string; nodeArgs?: string[] } = {},
): Promise<Child> {
  const readyPath = opts.readyPath ?? '/health';
  const port = await freePort();
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out, 'ipc'],
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) {
      throw new Error(`${entry} exited at start-up; see ${logFile}`);
    }
    try {
      const r = await fetch(url + readyPath);
      if (r.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not become ready; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid!,
    url,
    ask: (message) =>
      new Promise((resolve) => {
        const onMessage = (m: { kind?: string } & Record<string, number>): void => {
          if (m.kind === message) {
            child.off('message', onMessage);
            resolve(m);
          }
        };
        child.on('message', onMessage);
        child.send(message);
      }),
    stop: async () => {
      if (exited) {
        return;
      }
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command name: utime and stime are fields 12 and 13 (0-based), in clock ticks (100/s on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of a process in MB (VmRSS from /proc). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN; // the process has exited
  }
}

export interface GqlResult {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResult> {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await r.json()) as GqlResult;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU milliseconds per request of each watched process (server, mariadbd) during the measured run. */
  cpuMsPerRequest: Record<string, number>;
}

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** One body, or a function giving the body of the n-th request (for writes that must differ). */
  body?: string | ((n: number) => string);
}

/** One autocannon run: `warmup` seconds discarded, then `duration` seconds measured. */
export async function load(
  spec: LoadSpec,
  opts: { connections: number; duration: number; warmup: number; watch?: Record<string, number> },
): Promise<LoadResult> {
  let n = 0;
  const request = {
    method: spec.method ?? 'POST',
    path: spec.path,
    headers: { 'content-type': 'application/json', ...spec.headers },
    ...(typeof spec.body === 'function'
      ? {
          setupRequest: (req: autocannon.Request) => ({ ...req, body: (spec.body as (n: number) => string)(n++) }),
        }
      : { body: spec.body }),
  };
  const run = (duration: number): Promise<autocannon.Result> =>
    autocannon({ url: spec.url, connections: opts.connections, duration, requests: [request], timeout: 30 });
  if (opts.warmup > 0) {
    await run(opts.warmup);
  }
  const watch = Object.entries(opts.watch ?? {});
  const cpu0 = watch.map(([, pid]) => cpuSeconds(pid));
  const r = await run(opts.duration);
  const cpuMsPerRequest = Object.fromEntries(
    watch.map(([name, pid], i) => [name, ((cpuSeconds(pid) - cpu0[i]) * 1000) / Math.max(1, r.requests.total)]),
  );
  return {
    cpuMsPerRequest,
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    mean: r.latency.mean,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

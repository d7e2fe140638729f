/**
 * CSV export of the big tenant from a fresh, idle server process (the RSS a process already holds
 * would hide or inflate the export's own): rows/s, peak RSS over that idle RSS, event-loop blocking.
 */
import type { Bench } from '../context';
import { load1, log } from '../options';
import { cpuSeconds, rssMb } from '../support';

/** How long the fresh process idles before its RSS is read (start-up garbage collected, timers settled). */
const SETTLE_MS = 2000;

export async function exportCsv(bench: Bench): Promise<void> {
  log('scenario: CSV export (fresh process)');
  const fresh = await bench.startServer('export');
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idleRss = rssMb(fresh.pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(fresh.pid) || 0)), 20);
    const cpu0 = cpuSeconds(fresh.pid);
    await fresh.ask('loop-start');
    const t0 = performance.now();
    let lines = 0;
    let bytes = 0;
    try {
      const res = await fetch(`${fresh.url}/user/users/export.csv`, { headers: bench.auth });
      if (!res.ok || !res.body) {
        throw new Error(`export: ${res.status} ${await res.text()}`);
      }
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
          lines++;
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const exportSeconds = (performance.now() - t0) / 1000;
    const loop = await fresh.ask('loop-stop');
    const cpu = cpuSeconds(fresh.pid) - cpu0;
    const exportRows = lines - 1;
    const exportRate = exportRows / exportSeconds;
    const l = load1();
    bench.rows.push({
      scenario: 'CSV export of the big tenant (fresh process)',
      note:
        `${exportRows} rows (${(bytes / 2 ** 20).toFixed(1)} MB) in ${exportSeconds.toFixed(2)} s = ${Math.round(exportRate)} rows/s; server CPU ${cpu.toFixed(2)} s; ` +
        `RSS idle ${idleRss.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB; event loop blocked ≤ ${loop.max.toFixed(1)} ms`,
      load: l,
    });
    bench.target(
      { target: 'CSV export ≥ 100k rows/s', value: `${Math.round(exportRate)} rows/s (${exportRows} rows)`, pass: exportRate >= 100_000 },
      l,
    );
    bench.target(
      {
        target: 'CSV export peak RSS ≤ idle + 64 MB (fresh process)',
        value: `+${(peakRss - idleRss).toFixed(0)} MB (${idleRss.toFixed(0)} → ${peakRss.toFixed(0)} MB)`,
        pass: peakRss - idleRss <= 64,
      },
      l,
    );
    bench.results['CSV export'] = {
      exportRows,
      exportBytes: bytes,
      exportSeconds,
      exportRate,
      idleRss,
      peakRss,
      loopMaxMs: loop.max,
      cpuSeconds: cpu,
    };
  } finally {
    await fresh.stop();
  }
}

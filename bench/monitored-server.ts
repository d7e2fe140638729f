/**
 * Starts a Gatehouse server (GATEHOUSE_MAIN, default this build's dist/src/main.js) with an
 * event-loop delay monitor the benchmark can read over IPC: 'loop-start' resets and enables a
 * 1 ms-resolution histogram (off otherwise, so it costs nothing during throughput runs),
 * 'loop-stop' disables it and answers { max, p99, mean } in milliseconds. The longest delay of a
 * timer that was due is the longest stretch the event loop was blocked.
 */
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
process.on('message', (m: unknown) => {
  if (m === 'loop-start') {
    histogram.reset();
    histogram.enable();
    process.send!({ kind: 'loop-start' });
  } else if (m === 'loop-stop') {
    histogram.disable();
    process.send!({ kind: 'loop-stop', max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, mean: histogram.mean / 1e6 });
  }
});
process.channel?.unref();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the entry to run is chosen at run time
require(process.env.GATEHOUSE_MAIN ?? path.join(__dirname, '..', 'src', 'main.js'));

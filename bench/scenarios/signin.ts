/** Page p99 while 20 clients sign in (argon2id on the hashing pool) vs idle: alternating rounds. */
import { signInOnce } from '../clients';
import { round, type Bench } from '../context';
import { ORGS, ROUNDS, load1, log, mean } from '../options';
import { load } from '../support';

export async function signInContention(bench: Bench): Promise<void> {
  const { server, opts } = bench;
  const signers = Array.from({ length: 20 }, (_, i) => `admin@bench-${2 + (i % Math.max(1, ORGS - 1))}.bench`);
  const ratios: number[] = [];
  const notes: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    log(`scenario: page idle / during 20 concurrent sign-ins (round ${r + 1})`);
    const idlePage = await load(bench.page({}), opts);
    let stop = false;
    let signIns = 0;
    let refused = 0;
    let failed = 0;
    const loops = signers.map(async (email) => {
      while (!stop) {
        const outcome = await signInOnce(server.url, email);
        if (outcome.ok) {
          signIns++;
        } else if (outcome.retryAfterSeconds) {
          // A well-behaved client waits as told (the hashing queue was full).
          refused++;
          await new Promise((res) => setTimeout(res, outcome.retryAfterSeconds! * 1000));
        } else {
          failed++;
        }
      }
    });
    const t1 = performance.now();
    const busyPage = await load(bench.page({}), opts);
    const seconds = (performance.now() - t1) / 1000;
    stop = true;
    await Promise.all(loops);
    const l = load1();
    bench.rows.push({
      scenario: round('users first page, idle (reference for the next row)', r),
      rps: idlePage.rps,
      p50: idlePage.p50,
      p99: idlePage.p99,
      cpu: `server ${idlePage.cpuMsPerRequest.server.toFixed(2)}`,
      load: l,
    });
    bench.rows.push({
      scenario: round('users first page during 20 concurrent sign-ins', r),
      rps: busyPage.rps,
      p50: busyPage.p50,
      p99: busyPage.p99,
      note: `${(signIns / seconds).toFixed(0)} sign-ins/s${refused ? `, ${refused} refused (RATE_LIMITED, retried after Retry-After)` : ''}${failed ? `, ${failed} failed` : ''}`,
      load: l,
    });
    ratios.push(busyPage.p99 / idlePage.p99);
    notes.push(`${busyPage.p99} vs ${idlePage.p99} ms`);
  }
  const ratio = mean(ratios);
  bench.target({
    target: 'page p99 during 20 concurrent sign-ins ≤ 1.25× idle p99',
    value: `${ratio.toFixed(2)}× (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}: ${notes.join('; ')})`,
    pass: ratio <= 1.25,
  });
}

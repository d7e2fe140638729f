/** Search: the most common 1-, 2- and 3-character prefixes and a rare one, each against a page, alternating. */
import { round, type Bench } from '../context';
import type { SearchPrefix } from '../data';
import { ROUNDS, mean } from '../options';
import { RARE_SEARCH_TERM } from '../requests';

export async function search(bench: Bench, prefixes: SearchPrefix[]): Promise<void> {
  const ratios = new Map<string, number[]>(prefixes.map((p) => [p.term, []]));
  const p50s = new Map<string, number[]>(prefixes.map((p) => [p.term, []]));
  const pageP50s: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ref = await bench.measure(round('users: first page (reference for the searches)', r), bench.page({}));
    pageP50s.push(ref.p50);
    for (const p of prefixes) {
      const s = await bench.measure(
        round(`users: prefix search "${p.term}" (${p.matches} name-key matches)`, r),
        bench.page({ search: p.term }),
      );
      ratios.get(p.term)!.push(s.p50 / ref.p50);
      p50s.get(p.term)!.push(s.p50);
    }
  }
  for (const p of prefixes) {
    const ratio = mean(ratios.get(p.term)!);
    bench.target({
      target: `search p50 ≤ 1.5× first page ("${p.term}", ${p.term.length} char${p.term === RARE_SEARCH_TERM ? ', rare' : ', most common'})`,
      value: `${ratio.toFixed(2)}× (${mean(p50s.get(p.term)!).toFixed(1)} vs ${mean(pageP50s).toFixed(1)} ms; rounds ${ratios
        .get(p.term)!
        .map((x) => x.toFixed(2))
        .join(', ')})`,
      pass: ratio <= 1.5,
    });
  }
}

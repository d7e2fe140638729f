import DataLoader from 'dataloader';
import type { RequestContext } from '../../context';

/**
 * A per-request DataLoader kept on ctx.loaders under `name`, so that fields resolved for every
 * row of a page (membership, roles, groups, MFA status) cost one batched query, not one per row.
 */
export function requestLoader<K, V>(ctx: RequestContext, name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  ctx.loaders ??= new Map();
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
    ctx.loaders.set(name, loader);
  }
  return loader;
}

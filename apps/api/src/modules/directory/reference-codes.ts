import { conditions, insurancePayers, routes } from '@kapmap/db/schema';
import type { Context } from '../../context.js';

export interface ReferenceCodes {
  conditions: ReadonlySet<string>;
  routes: ReadonlySet<string>;
  insurance: ReadonlySet<string>;
}

const TTL_MS = 60_000;
const cache = new WeakMap<object, { at: number; codes: Promise<ReferenceCodes> }>();

/**
 * The codes filters may name. Reference data changes only with a deploy, so each database's codes are
 * read at most once a minute rather than on every search.
 */
export function referenceCodes(ctx: Context): Promise<ReferenceCodes> {
  const hit = cache.get(ctx.db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.codes;
  const codes = Promise.all([
    ctx.db.select({ code: conditions.code }).from(conditions),
    ctx.db.select({ code: routes.code }).from(routes),
    ctx.db.select({ code: insurancePayers.code }).from(insurancePayers),
  ]).then(([c, r, i]) => ({
    conditions: new Set(c.map((x) => x.code)),
    routes: new Set(r.map((x) => x.code)),
    insurance: new Set(i.map((x) => x.code)),
  }));
  codes.catch(() => cache.delete(ctx.db));
  cache.set(ctx.db, { at: Date.now(), codes });
  return codes;
}

// `pnpm towns`: writes src/map/towns.json, the towns the offline basemap names (10,000 people or more), from
// the same gazetteer the search resolves "City, ST" with. Committed; a test fails when it drifts from the
// gazetteer.
import { writeFileSync } from 'node:fs';
import { gazetteer, townLabels } from '@kapmap/geo';

export const MIN_POPULATION = 10_000;
const out = new URL('../src/map/towns.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(townLabels(gazetteer(), MIN_POPULATION))}\n`);
console.log(`wrote ${out.pathname}`);

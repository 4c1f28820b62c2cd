import type {
  Feature,
  FeatureCollection,
  GeoJSON,
  Geometry,
  MultiPolygon,
  Point,
  Polygon,
  Position,
} from 'geojson';
import type {
  ExpressionSpecification,
  GeoJSONSource,
  Map as MaplibreMap,
  StyleSpecification,
} from 'maplibre-gl';
import polylabel from 'polylabel';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countiesUrl from 'us-atlas/counties-10m.json?url';
import statesUrl from 'us-atlas/states-10m.json?url';
import townsUrl from './towns.json?url';

const LAND = '#fbfaf6';
const WATER = '#dfe9ee';

/**
 * The offline basemap: the US nation, states and counties from the bundled us-atlas TopoJSON (Census
 * cartographic boundaries, 1:10m), drawn as flat shapes. No tiles, no network, no token. The style names no
 * glyphs: maplibre-gl draws the few texts (cluster counts) with the browser's own fonts.
 *
 * States (115 kB) come first, for a quick first map; counties (840 kB) follow once the map is up.
 */
type States = Topology<{ states: GeometryCollection; nation: GeometryCollection }>;
type Counties = Topology<{ counties: GeometryCollection }>;

async function load<T>(url: string, fetchImpl: typeof fetch): Promise<T> {
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`basemap: HTTP ${res.status} for ${url}`);
  return (await res.json()) as T;
}

/**
 * A point to write each area's name at: the pole of inaccessibility of its largest part (inside the shape,
 * unlike a centroid, for Florida or Michigan), so places can be told apart without any map tiles.
 */
export function labelPoints(
  areas: FeatureCollection<Polygon | MultiPolygon | null, { name?: string } | null>,
  nameOf: (f: Feature<Polygon | MultiPolygon | null, { name?: string } | null>) => string | undefined = (f) =>
    f.properties?.name,
): FeatureCollection<Point, { name: string }> {
  const features: Feature<Point, { name: string }>[] = [];
  for (const f of areas.features) {
    const name = nameOf(f);
    if (!name || !f.geometry) continue;
    const polygons: Position[][][] =
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    /** The area of a polygon's bounding box: enough to tell the mainland from its islands. */
    const area = (rings: Position[][]) => {
      let minX = 180;
      let minY = 90;
      let maxX = -180;
      let maxY = -90;
      for (const [x = 0, y = 0] of rings[0] ?? []) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
      return (maxX - minX) * (maxY - minY);
    };
    const largest = polygons.reduce((best, p) => (area(p) > area(best) ? p : best));
    const at = polylabel(largest as [number, number][][], 0.01);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [at[0], at[1]] },
      properties: { name },
    });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * What a county is called on the map, from its FIPS code: parishes in Louisiana, boroughs and census areas in
 * Alaska and the independent cities (Virginia's, Baltimore, St. Louis, Carson City) go by their name alone.
 */
export function countyName(fips: string | number | undefined, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const code = String(fips ?? '').padStart(5, '0');
  const state = code.slice(0, 2);
  const county = Number(code.slice(2));
  if (state === '22') return `${name} Parish`;
  if (state === '02' || county >= 500) return name;
  return `${name} County`;
}

/** [lng, lat, name, population], as scripts/towns.mjs writes them. */
type TownRow = [number, number, string, number];

/** The towns as points, for the map's labels. */
export function townFeatures(
  rows: TownRow[],
): FeatureCollection<Point, { name: string; population: number }> {
  return {
    type: 'FeatureCollection',
    features: rows.map(([lng, lat, name, population]) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lng, lat] },
      properties: { name, population },
    })),
  };
}

/**
 * The basemap draws from two sources, whatever it holds: `basemap` (the sea, the state lines and, once they
 * arrive, the county lines) and `names` (states, then counties and towns), each feature tagged with its `kind`.
 * Few sources is what keeps a frame cheap in software rendering: before drawing a source's lines or shapes,
 * maplibre-gl masks every tile of that source in the stencil buffer, a pass over the whole view, so five sources
 * cost five such passes a frame where one source costs one; and each symbol layer is drawn tile by tile twice
 * (halo, then text), so one names layer rather than six saves ten draws per tile.
 */
const BASEMAP = 'basemap';
const NAMES = 'names';

type Kind = 'water' | 'state' | 'county' | 'town';
type Tagged = Feature<Geometry, Record<string, unknown>>;

/** The features of a GeoJSON value, each tagged with what it is. */
function tagged(kind: Kind, data: GeoJSON): Tagged[] {
  const features: Feature<Geometry | null, Record<string, unknown> | null>[] =
    data.type === 'FeatureCollection'
      ? data.features
      : data.type === 'Feature'
        ? [data]
        : [{ type: 'Feature', properties: {}, geometry: data }];
  return features.flatMap((f) =>
    f.geometry ? [{ ...f, geometry: f.geometry, properties: { ...f.properties, kind } }] : [],
  );
}

const collection = (features: Tagged[]): FeatureCollection<Geometry> => ({
  type: 'FeatureCollection',
  features,
});

/** The features one of the basemap's sources holds now, or none if the map does not have it. */
function held(map: MaplibreMap, id: string): Tagged[] | null {
  const data = map.getSource<GeoJSONSource>(id)?.serialize().data;
  if (data === undefined) return null;
  return typeof data === 'object' && data.type === 'FeatureCollection' ? (data.features as Tagged[]) : [];
}

/**
 * Adds features to one of the basemap's sources, keeping what it holds. Synchronous on purpose: counties and
 * towns arrive separately, and reading the source's data and setting it in one step means neither can set data
 * that misses what the other just added.
 */
function extendSource(map: MaplibreMap, id: string, features: Tagged[]): void {
  const kept = held(map, id);
  if (kept === null) return;
  map.getSource<GeoJSONSource>(id)?.setData(collection([...kept, ...features]));
}

/** Whether a source already holds features of a kind (each file is added once, even if its loader runs twice). */
function holds(map: MaplibreMap, id: string, kind: Kind): boolean {
  return held(map, id)?.some((f) => f.properties.kind === kind) ?? false;
}

/**
 * Town names, more as the map zooms in: the largest cities from the national view, then ever smaller towns
 * (a filter's zoom is the tile's, a whole number). Where names would collide, the larger town keeps its
 * label, then a county's, then a state's.
 */
const TOWNS_FROM_ZOOM: ExpressionSpecification = [
  'step',
  ['zoom'],
  1e12,
  3,
  500_000,
  5,
  150_000,
  6,
  50_000,
  8,
  10_000,
];

const isKind = (kind: Kind): ExpressionSpecification => ['==', ['get', 'kind'], kind];

export async function addTowns(map: MaplibreMap, fetchImpl: typeof fetch = fetch): Promise<void> {
  const rows = await load<TownRow[]>(townsUrl, fetchImpl);
  if (holds(map, NAMES, 'town')) return;
  extendSource(map, NAMES, tagged('town', townFeatures(rows)));
}

/**
 * Everything but the nation, as one polygon: the world with a hole for each of the nation's pieces. The map's
 * background is the land's color and this is drawn over it, so a view of the country fills the few pixels of
 * sea and neighbors in view rather than every pixel of land (in software rendering, a full-screen fill costs a
 * frame: 50 ms a frame at desktop size with the land filled, 33 ms this way).
 */
export function waterAround(nation: Feature<Polygon | MultiPolygon> | FeatureCollection): Feature<Polygon> {
  const features = 'features' in nation ? nation.features : [nation];
  const holes: Position[][] = [];
  for (const f of features) {
    const g = f.geometry;
    if (g?.type === 'Polygon' && g.coordinates[0]) holes.push(g.coordinates[0]);
    if (g?.type === 'MultiPolygon') for (const p of g.coordinates) if (p[0]) holes.push(p[0]);
  }
  const world: Position[] = [
    [-180, -85],
    [180, -85],
    [180, 85],
    [-180, 85],
    [-180, -85],
  ];
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [world, ...holes] } };
}

/** One layer for every name on the map, styled by what it names. */
const namesLayer = {
  id: 'place-names',
  type: 'symbol',
  source: NAMES,
  filter: [
    'any',
    ['all', isKind('state'), ['<', ['zoom'], 7]],
    // County names from zoom 8, where a county is wide enough to hold one (and a frame does not draw ~150).
    ['all', isKind('county'), ['>=', ['zoom'], 8]],
    ['all', isKind('town'), ['>=', ['get', 'population'], TOWNS_FROM_ZOOM]],
  ],
  layout: {
    'text-field': ['get', 'name'],
    'text-size': [
      'match',
      ['get', 'kind'],
      'town',
      ['step', ['get', 'population'], 11, 50_000, 12, 500_000, 13],
      12,
    ],
    'text-transform': ['match', ['get', 'kind'], 'state', 'uppercase', 'none'],
    'text-letter-spacing': ['match', ['get', 'kind'], 'state', 0.08, 0],
    // Placed first, kept where names collide: towns, the larger first, then counties, then states.
    'symbol-sort-key': ['match', ['get', 'kind'], 'town', ['-', ['get', 'population']], 'county', 0, 1],
  },
  paint: {
    'text-color': ['match', ['get', 'kind'], 'town', '#2f3d46', '#5b6770'],
    'text-halo-color': LAND,
    'text-halo-width': 1.5,
  },
} satisfies StyleSpecification['layers'][number];

export async function offlineStyle(fetchImpl: typeof fetch = fetch): Promise<StyleSpecification> {
  const topo = await load<States>(statesUrl, fetchImpl);
  return {
    version: 8,
    name: 'kapmap offline',
    sources: {
      [BASEMAP]: {
        type: 'geojson',
        data: collection([
          ...tagged('water', waterAround(feature(topo, topo.objects.nation) as never)),
          ...tagged(
            'state',
            mesh(topo, topo.objects.states, (a, b) => a !== b),
          ),
        ]),
      },
      [NAMES]: {
        type: 'geojson',
        data: collection(tagged('state', labelPoints(feature(topo, topo.objects.states) as never))),
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': LAND } },
      { id: 'water', type: 'fill', source: BASEMAP, filter: isKind('water'), paint: { 'fill-color': WATER } },
      {
        id: 'state-lines',
        type: 'line',
        source: BASEMAP,
        filter: isKind('state'),
        paint: {
          'line-color': '#9aa6ae',
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.8, 8, 1.6],
        },
      },
      namesLayer,
    ],
  };
}

/**
 * Adds county lines (inside each state; state lines are drawn on their own) under the state lines, and county
 * names for a closer look, to the basemap's two sources.
 */
export async function addCounties(map: MaplibreMap, fetchImpl: typeof fetch = fetch): Promise<void> {
  const topo = await load<Counties>(countiesUrl, fetchImpl);
  if (map.getLayer('county-lines')) return;
  const lines = mesh(
    topo,
    topo.objects.counties,
    (a, b) => a !== b && String(a.id).slice(0, 2) === String(b.id).slice(0, 2),
  );
  extendSource(map, BASEMAP, tagged('county', lines));
  map.addLayer(
    {
      id: 'county-lines',
      type: 'line',
      source: BASEMAP,
      filter: isKind('county'),
      minzoom: 6.5,
      paint: { 'line-color': '#d5d9dc', 'line-width': 0.6 },
    },
    'state-lines',
  );
  const names = labelPoints(feature(topo, topo.objects.counties) as never, (f) =>
    countyName(f.id, f.properties?.name),
  );
  extendSource(map, NAMES, tagged('county', names));
}

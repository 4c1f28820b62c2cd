import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { Map as MaplibreMap, StyleSpecification } from 'maplibre-gl';
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
 * Town names, more as the map zooms in: the largest cities from the national view, then ever smaller towns.
 * Where names would collide, the larger town keeps its label.
 */
const TOWN_TIERS: [minzoom: number, minPopulation: number, size: number][] = [
  [3.5, 500_000, 13],
  [5, 150_000, 12],
  [6.5, 50_000, 12],
  [8, 10_000, 11],
];

export async function addTowns(map: MaplibreMap, fetchImpl: typeof fetch = fetch): Promise<void> {
  const rows = await load<TownRow[]>(townsUrl, fetchImpl);
  if (map.getSource('towns')) return;
  map.addSource('towns', { type: 'geojson', data: townFeatures(rows) });
  const below = ['origin', 'clusters'].find((id) => map.getLayer(id));
  TOWN_TIERS.forEach(([minzoom, min, size], i) => {
    const max = TOWN_TIERS[i - 1]?.[1];
    map.addLayer(
      {
        id: `town-names-${i}`,
        type: 'symbol',
        source: 'towns',
        minzoom,
        filter: max
          ? ['all', ['>=', ['get', 'population'], min], ['<', ['get', 'population'], max]]
          : ['>=', ['get', 'population'], min],
        layout: {
          'text-field': ['get', 'name'],
          'text-size': size,
          'symbol-sort-key': ['-', ['get', 'population']],
        },
        paint: { 'text-color': '#2f3d46', 'text-halo-color': LAND, 'text-halo-width': 1.5 },
      },
      below,
    );
  });
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

const labelPaint = { 'text-color': '#5b6770', 'text-halo-color': LAND, 'text-halo-width': 1.5 };

export async function offlineStyle(fetchImpl: typeof fetch = fetch): Promise<StyleSpecification> {
  const topo = await load<States>(statesUrl, fetchImpl);
  return {
    version: 8,
    name: 'kapmap offline',
    sources: {
      water: { type: 'geojson', data: waterAround(feature(topo, topo.objects.nation) as never) },
      states: { type: 'geojson', data: mesh(topo, topo.objects.states, (a, b) => a !== b) },
      'state-names': { type: 'geojson', data: labelPoints(feature(topo, topo.objects.states) as never) },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': LAND } },
      { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': WATER } },
      {
        id: 'state-lines',
        type: 'line',
        source: 'states',
        paint: {
          'line-color': '#9aa6ae',
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.8, 8, 1.6],
        },
      },
      {
        id: 'state-names',
        type: 'symbol',
        source: 'state-names',
        maxzoom: 7,
        layout: {
          'text-field': ['get', 'name'],
          'text-size': 12,
          'text-transform': 'uppercase',
          'text-letter-spacing': 0.08,
        },
        paint: labelPaint,
      },
    ],
  };
}

/**
 * Adds county lines (inside each state; state lines are drawn on their own) under the state lines, and county
 * names for a closer look. The clinic layers are added after the style, so the names are moved under them.
 */
export async function addCounties(map: MaplibreMap, fetchImpl: typeof fetch = fetch): Promise<void> {
  const topo = await load<Counties>(countiesUrl, fetchImpl);
  const lines = mesh(
    topo,
    topo.objects.counties,
    (a, b) => a !== b && String(a.id).slice(0, 2) === String(b.id).slice(0, 2),
  );
  if (map.getSource('counties')) return;
  map.addSource('counties', { type: 'geojson', data: lines });
  map.addLayer(
    {
      id: 'county-lines',
      type: 'line',
      source: 'counties',
      minzoom: 6.5,
      paint: { 'line-color': '#d5d9dc', 'line-width': 0.6 },
    },
    'state-lines',
  );
  map.addSource('county-names', {
    type: 'geojson',
    data: labelPoints(feature(topo, topo.objects.counties) as never, (f) =>
      countyName(f.id, f.properties?.name),
    ),
  });
  map.addLayer(
    {
      id: 'county-names',
      type: 'symbol',
      source: 'county-names',
      minzoom: 7,
      layout: { 'text-field': ['get', 'name'], 'text-size': 12 },
      paint: labelPaint,
    },
    ['origin', 'clusters'].find((id) => map.getLayer(id)),
  );
}

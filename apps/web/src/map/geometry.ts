import { fromMeters, haversineMeters, type LatLng } from '@kapmap/geo/distance';

/** [[west, south], [east, north]]. */
export type Box = [[number, number], [number, number]];

/** The box around the points, or null for none. */
export function boundsOf(points: LatLng[]): Box | null {
  if (points.length === 0) return null;
  let west = 180;
  let south = 90;
  let east = -180;
  let north = -90;
  for (const p of points) {
    west = Math.min(west, p.lng);
    east = Math.max(east, p.lng);
    south = Math.min(south, p.lat);
    north = Math.max(north, p.lat);
  }
  return [
    [west, south],
    [east, north],
  ];
}

/** Whether `outer` holds all of `inner`. */
export function contains(outer: Box, inner: Box): boolean {
  return (
    inner[0][0] >= outer[0][0] &&
    inner[0][1] >= outer[0][1] &&
    inner[1][0] <= outer[1][0] &&
    inner[1][1] <= outer[1][1]
  );
}

/** The smallest box holding both. */
export function union(a: Box, b: Box): Box {
  return [
    [Math.min(a[0][0], b[0][0]), Math.min(a[0][1], b[0][1])],
    [Math.max(a[1][0], b[1][0]), Math.max(a[1][1], b[1][1])],
  ];
}

/**
 * The circle a search of the visible box needs: its center, and the distance to its farthest corner, in
 * miles on the same sphere the API measures distances on.
 */
export function circleAround(
  bounds: { west: number; south: number; east: number; north: number },
  maxMiles: number,
): { center: LatLng; radiusMiles: number } {
  const center = { lat: (bounds.south + bounds.north) / 2, lng: (bounds.west + bounds.east) / 2 };
  const corner = { lat: bounds.north, lng: bounds.east };
  const miles = Math.ceil(fromMeters(haversineMeters(center, corner), 'MILES'));
  return { center, radiusMiles: Math.max(1, Math.min(maxMiles, miles)) };
}

/** A box of degrees, as the API's GeoBounds: west > east when it crosses the antimeridian. */
export interface ViewBox {
  north: number;
  south: number;
  east: number;
  west: number;
}

/** Grid cells across the world at zoom 0, and the widest zoom that clusters: as the API's mapClusters counts. */
const CELLS_AT_ZOOM_0 = 8;
const MAX_CLUSTER_ZOOM = 13;
/** The API's widest zoom. */
const MAX_ZOOM = 22;

const mercatorY = (lat: number) =>
  0.5 - Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * Math.PI) / 360)) / (2 * Math.PI);
const latOfMercatorY = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
/** A longitude in [-180, 180]. */
const wrapLng = (lng: number) => ((((lng + 180) % 360) + 360) % 360) - 180;

/**
 * What the map asks the API to cluster for what is on screen: a whole zoom (cells 64 to 128 px wide as the
 * map zooms between two), and the view widened to the grid cells it touches and one more all round, so a
 * cluster at the edge counts all its locations and a small pan asks the same question again (answered from
 * the cache). `within` is null when the view spans the world.
 */
export function clusterRequest(view: ViewBox, zoom: number): { zoom: number; within: ViewBox | null } {
  const z = Math.max(0, Math.min(MAX_ZOOM, Math.floor(zoom)));
  const n = CELLS_AT_ZOOM_0 * 2 ** Math.min(z, MAX_CLUSTER_ZOOM);
  const x0 = Math.floor(((view.west + 180) / 360) * n) - 1;
  const x1 = Math.ceil(((view.east + 180) / 360) * n) + 1;
  const y0 = Math.max(0, Math.floor(mercatorY(view.north) * n) - 1);
  const y1 = Math.min(n, Math.ceil(mercatorY(view.south) * n) + 1);
  const north = y0 <= 0 ? 90 : latOfMercatorY(y0 / n);
  const south = y1 >= n ? -90 : latOfMercatorY(y1 / n);
  if (x1 - x0 >= n) return { zoom: z, within: { north, south, west: -180, east: 180 } };
  const west = wrapLng((x0 / n) * 360 - 180);
  const eastRaw = wrapLng((x1 / n) * 360 - 180);
  return { zoom: z, within: { north, south, west, east: eastRaw === -180 ? 180 : eastRaw } };
}

/** A cluster's count as a map label: 950, 1.2k, 12k. */
export function abbreviateCount(n: number): string {
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${Math.round(n / 100) / 10}k`;
  return String(n);
}

/**
 * The map's grid, shared by the API (which counts locations per cell, apps/api mapClusters) and the web app
 * (which asks for the cells its view touches): 8 × 2^zoom Web Mercator cells across the world.
 */

/** A box of degrees, as the API's GeoBounds: west > east when it crosses the antimeridian. */
export interface ViewBox {
  north: number;
  south: number;
  east: number;
  west: number;
}

/** Grid cells across the world at zoom 0: a cell is 64 px of a 512 px world tile at every zoom. */
export const CELLS_AT_ZOOM_0 = 8;
/** The widest zoom that clusters; from the next one up every location is its own cell. */
export const MAX_CLUSTER_ZOOM = 13;
/** The widest zoom a map asks for. */
export const MAX_ZOOM = 22;
/** The most cells the API answers one view with, the fullest first: when reached, some locations are left out. */
export const MAX_CELLS = 5_000;

/** Web Mercator y of a latitude, 0 at the top of the world and 1 at the bottom (clamped to ±85°). */
export const mercatorY = (lat: number) =>
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

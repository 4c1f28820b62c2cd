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

export { clusterRequest, type ViewBox } from '@kapmap/geo/map-grid';

/** A cluster's count as a map label: 950, 1.2k, 12k. */
export function abbreviateCount(n: number): string {
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${Math.round(n / 100) / 10}k`;
  return String(n);
}

import { fromMeters, haversineMeters, type LatLng } from '@kapmap/geo/distance';
import type { MapPoint } from './types.js';

/** [[west, south], [east, north]] around the points, or null for none. */
export function boundsOf(points: MapPoint[]): [[number, number], [number, number]] | null {
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

/**
 * The circle a search of the visible box needs: its centre, and the distance to its farthest corner, in
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

/**
 * earthdistance models the earth as a sphere of this radius (its `earth()` function). Every distance kapmap
 * reports is great-circle distance on this sphere, so the database and this module agree.
 */
export const EARTH_RADIUS_M = 6_378_168;

export const METERS_PER_MILE = 1_609.344;
export const METERS_PER_KM = 1_000;

export type DistanceUnit = 'MILES' | 'KILOMETERS';

export interface LatLng {
  lat: number;
  lng: number;
}

export function toMeters(value: number, unit: DistanceUnit): number {
  return value * (unit === 'MILES' ? METERS_PER_MILE : METERS_PER_KM);
}

export function fromMeters(meters: number, unit: DistanceUnit): number {
  return meters / (unit === 'MILES' ? METERS_PER_MILE : METERS_PER_KM);
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in meters on earthdistance's sphere. */
export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

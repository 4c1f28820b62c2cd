import { describe, expect, it } from 'vitest';
import { clusterRequest, type ViewBox } from '../src/map-grid.js';

describe('what the map asks to be clustered', () => {
  /** The API's cell of a point: 8 × 2^zoom Web Mercator cells across the world. */
  const cellOf = (lat: number, lng: number, zoom: number) => {
    const n = 8 * 2 ** Math.min(zoom, 13);
    const y = 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
    return [Math.floor(((lng + 180) / 360) * n), Math.floor(y * n)] as const;
  };
  const inside = (b: ViewBox, lat: number, lng: number) =>
    lat >= b.south &&
    lat <= b.north &&
    (b.west <= b.east ? lng >= b.west && lng <= b.east : lng >= b.west || lng <= b.east);

  it('asks at the whole zoom below the map’s, for every cell the view touches and one more all round', () => {
    const view = { north: 36.1, south: 35.6, east: -78.4, west: -78.9 };
    const { zoom, within } = clusterRequest(view, 9.7);
    expect(zoom).toBe(9);
    if (!within) throw new Error('no box');
    expect(within.west).toBeLessThan(view.west);
    expect(within.east).toBeGreaterThan(view.east);
    // Every point of every cell the view touches is asked for: a cluster at the edge counts all its locations.
    const [x0, y0] = cellOf(view.north, view.west, 9);
    const [x1, y1] = cellOf(view.south, view.east, 9);
    const n = 8 * 2 ** 9;
    for (const x of [x0, x1 + 0.999])
      for (const y of [y0, y1 + 0.999]) {
        const lng = (x / n) * 360 - 180;
        const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
        expect(inside(within, lat, lng), `${lat},${lng}`).toBe(true);
      }
  });

  it('asks the same question after a small pan, so the answer comes from the cache', () => {
    const a = clusterRequest({ north: 36.1, south: 35.6, east: -78.4, west: -78.9 }, 9.2);
    const b = clusterRequest({ north: 36.1001, south: 35.6001, east: -78.3999, west: -78.8999 }, 9.6);
    expect(b).toEqual(a);
  });

  it('crosses the antimeridian as west > east, and drops the box when the view spans the world', () => {
    const { within } = clusterRequest({ north: 60, south: 50, east: 185, west: 175 }, 5);
    expect(within && within.west > within.east).toBe(true);
    expect(within && inside(within, 55, -178)).toBe(true);
    expect(within && inside(within, 55, 177)).toBe(true);
    expect(within && inside(within, 55, 0)).toBe(false);
    const world = clusterRequest({ north: 85, south: -85, east: 200, west: -200 }, 0.4);
    expect(world).toEqual({ zoom: 0, within: { north: 90, south: -90, west: -180, east: 180 } });
  });
});

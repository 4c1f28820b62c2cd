import { fromMeters, haversineMeters } from '@kapmap/geo/distance';
import { describe, expect, it } from 'vitest';
import {
  abbreviateCount,
  boundsOf,
  circleAround,
  clusterRequest,
  type ViewBox,
} from '../src/map/geometry.js';

describe('the area a map shows', () => {
  it('is searched from its center out to its farthest corner, on the API’s sphere, whole miles up', () => {
    const box = { west: -79, south: 35.5, east: -78.2, north: 36.1 };
    const { center, radiusMiles } = circleAround(box, 500);
    expect(center).toEqual({ lat: 35.8, lng: -78.6 });
    const exact = fromMeters(haversineMeters(center, { lat: 36.1, lng: -78.2 }), 'MILES');
    expect(radiusMiles).toBe(Math.ceil(exact));
    expect(radiusMiles).toBeGreaterThan(exact);
  });

  it('is capped at the API’s largest radius when zoomed out to the nation', () => {
    expect(circleAround({ west: -125, south: 24, east: -66, north: 50 }, 500).radiusMiles).toBe(500);
  });

  it('fits every point, and nothing when there are none', () => {
    const pts = [
      { id: 'a', lat: 35.8, lng: -78.6 },
      { id: 'b', lat: 36.0, lng: -78.9 },
    ];
    expect(boundsOf(pts)).toEqual([
      [-78.9, 35.8],
      [-78.6, 36.0],
    ]);
    expect(boundsOf([])).toBeNull();
  });
});

describe('a cluster’s label', () => {
  it('labels counts as the map’s own clustering did: 950, 1.2k, 12k', () => {
    expect([950, 1234, 12_345].map(abbreviateCount)).toEqual(['950', '1.2k', '12k']);
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  EARTH_RADIUS_M,
  fromMeters,
  haversineMeters,
  OfflineGeocoder,
  PlaceNotFoundError,
} from '../src/index.js';

const geocoder = new OfflineGeocoder();

describe('offline geocoding', () => {
  it('resolves a ZIP code to its centroid, city and state', () => {
    const p = geocoder.geocodeSync('27609');
    expect(p.state).toBe('NC');
    expect(p.label).toBe('Raleigh, NC 27609');
    expect(p.lat).toBeCloseTo(35.848, 2);
    expect(p.lng).toBeCloseTo(-78.632, 2);
  });

  it('accepts ZIP+4 and surrounding spaces', () => {
    expect(geocoder.geocodeSync(' 27609-1234 ').label).toBe('Raleigh, NC 27609');
  });

  it.each(['Raleigh, NC', 'raleigh, nc', 'Raleigh, North Carolina', 'Raleigh NC', '  Raleigh ,  NC '])(
    'resolves the city "%s" to Raleigh, NC',
    (place) => {
      const p = geocoder.geocodeSync(place);
      expect(p.label).toBe('Raleigh, NC');
      expect(p.state).toBe('NC');
      expect(haversineMeters(p, { lat: 35.78, lng: -78.64 })).toBeLessThan(15_000);
    },
  );

  it.each([
    ['00000', /00000 is not a US ZIP code/],
    ['1234', /five digits/],
    ['', /Enter a US ZIP code/],
    ['   ', /Enter a US ZIP code/],
    ['Raleigh', /Which "Raleigh"\? Choose one, or add the state, such as "Raleigh, NC"/],
    ['Qwxzzy', /Add the state to "Qwxzzy"/],
    ['Atlantis, NC', /could not find a city called "Atlantis" in North Carolina/],
    ['Raleigh, ZZ', /Add the state/],
  ])('refuses %j with a message that says what to do', (place, message) => {
    expect(() => geocoder.geocodeSync(place)).toThrow(PlaceNotFoundError);
    expect(() => geocoder.geocodeSync(place)).toThrow(message);
  });

  it('finds the state of a point from the nearest ZIP centroid, and none out at sea', () => {
    expect(geocoder.stateAt({ lat: 35.85, lng: -78.63 })).toBe('NC');
    expect(geocoder.stateAt({ lat: 40.75, lng: -73.99 })).toBe('NY');
    expect(geocoder.stateAt({ lat: 30, lng: -40 })).toBeNull();
  });

  it('labels a picked point by the nearest town', () => {
    expect(geocoder.describePoint({ lat: 35.848, lng: -78.6317 }).label).toMatch(/^Near Raleigh, NC$/);
    expect(geocoder.describePoint({ lat: 30, lng: -40 }).label).toBe('30.0000, -40.0000');
  });

  it('looks up the nearest ZIP code for a picked point only once its label or state is read, and once', () => {
    const own = new OfflineGeocoder();
    const lookups = vi.spyOn(own, 'nearestZip');
    const place = own.describePoint({ lat: 40.75, lng: -73.99 });
    // A search that shows neither its origin nor telehealth programs pays nothing for the description.
    expect(place).toMatchObject({ lat: 40.75, lng: -73.99 });
    expect(lookups).not.toHaveBeenCalled();
    expect(place.state).toBe('NY');
    expect(place.label).toMatch(/^Near .+, NY$/);
    expect(lookups).toHaveBeenCalledTimes(1);
    // Spread or serialized, it is a plain place.
    expect(JSON.parse(JSON.stringify(place))).toEqual({
      lat: 40.75,
      lng: -73.99,
      label: place.label,
      state: 'NY',
    });
  });
});

describe('distance on earthdistance sphere', () => {
  it('measures a quarter meridian as a quarter of the circumference', () => {
    const d = haversineMeters({ lat: 0, lng: 0 }, { lat: 90, lng: 0 });
    expect(d).toBeCloseTo((Math.PI / 2) * EARTH_RADIUS_M, 3);
  });

  it('converts meters to miles and kilometers', () => {
    expect(fromMeters(1609.344, 'MILES')).toBeCloseTo(1, 10);
    expect(fromMeters(2500, 'KILOMETERS')).toBe(2.5);
  });
});

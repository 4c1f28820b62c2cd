import type { LatLng } from './distance.js';
import {
  type Geocoder,
  MAX_SUGGESTIONS,
  type OfflineGeocoder,
  PlaceNotFoundError,
  type PlaceSuggestion,
  type ResolvedPlace,
} from './geocode.js';
import { isUsState } from './states.js';

export interface MapboxGeocoderOptions {
  accessToken: string;
  /** Answers what it can (ZIP codes, "City, ST") and describes points, with no request. */
  offline: OfflineGeocoder;
  /** The API's origin; tests point it at a local stand-in. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Told when Mapbox cannot be reached or answers with an error; the search then falls back to offline. */
  onError?: (error: unknown) => void;
}

interface MapboxFeature {
  geometry?: { coordinates?: [number, number] };
  properties?: {
    name?: string;
    full_address?: string;
    place_formatted?: string;
    context?: { region?: { region_code?: string } };
  };
}

/**
 * Geocodes with Mapbox's Geocoding API (v6) when an access token is configured: street addresses,
 * neighborhoods and misspelt towns that the bundled ZIP table cannot answer. ZIP codes and "City, ST"
 * are still answered offline first, which is instant and free; if Mapbox is down, the search falls back
 * to the offline answer rather than failing.
 */
export class MapboxGeocoder implements Geocoder {
  constructor(private readonly options: MapboxGeocoderOptions) {}

  async geocode(place: string): Promise<ResolvedPlace> {
    let offlineError: unknown;
    try {
      return this.options.offline.geocodeSync(place);
    } catch (error) {
      if (!(error instanceof PlaceNotFoundError) || place.trim() === '') throw error;
      offlineError = error;
    }
    let features: MapboxFeature[];
    try {
      features = await this.search(place.trim());
    } catch (error) {
      this.options.onError?.(error);
      throw offlineError;
    }
    const feature = features.find((f) => f.geometry?.coordinates?.length === 2);
    const [lng, lat] = feature?.geometry?.coordinates ?? [];
    if (!feature || lat === undefined || lng === undefined) {
      throw new PlaceNotFoundError(
        `We could not find "${place.trim()}" in the US. Try a ZIP code (such as 27609) or a city and state (such as "Raleigh, NC").`,
      );
    }
    const label = feature.properties?.full_address ?? feature.properties?.name ?? place.trim();
    return { lat, lng, label, state: this.stateOf(feature, { lat, lng }) };
  }

  /**
   * The offline towns and ZIP codes first; Mapbox's autocomplete fills the rest (streets, neighborhoods).
   * Mapbox down or slow: the offline ones alone.
   */
  async suggest(prefix: string): Promise<PlaceSuggestion[]> {
    const offline = this.options.offline.suggestSync(prefix);
    const q = prefix.trim();
    if (offline.length >= MAX_SUGGESTIONS || q.length < 3) return offline;
    let features: MapboxFeature[];
    try {
      features = await this.search(q, 'address,street,neighborhood,locality,place,postcode', {
        autocomplete: 'true',
        limit: String(MAX_SUGGESTIONS - offline.length),
      });
    } catch (error) {
      this.options.onError?.(error);
      return offline;
    }
    const seen = new Set(offline.map((s) => s.label));
    const more: PlaceSuggestion[] = [];
    for (const f of features) {
      const [lng, lat] = f.geometry?.coordinates ?? [];
      const label = f.properties?.full_address ?? f.properties?.name;
      if (lat === undefined || lng === undefined || !label || seen.has(label)) continue;
      seen.add(label);
      more.push({ label, description: label, state: this.stateOf(f, { lat, lng }), lat, lng });
    }
    return [...offline, ...more].slice(0, MAX_SUGGESTIONS);
  }

  async locateStreetAddress(address: string): Promise<LatLng | null> {
    try {
      const [lng, lat] = (await this.search(address.trim(), 'address'))[0]?.geometry?.coordinates ?? [];
      return lat === undefined || lng === undefined ? null : { lat, lng };
    } catch (error) {
      this.options.onError?.(error);
      return null;
    }
  }

  /** The state Mapbox names for a feature, or the one its point lies in. */
  private stateOf(feature: MapboxFeature, point: LatLng): string | null {
    const region = feature.properties?.context?.region?.region_code?.toUpperCase();
    return region && isUsState(region) ? region : this.stateAt(point);
  }

  stateAt(point: LatLng): string | null {
    return this.options.offline.stateAt(point);
  }

  describePoint(point: LatLng): ResolvedPlace {
    return this.options.offline.describePoint(point);
  }

  private async search(
    q: string,
    types = 'address,street,neighborhood,locality,place,postcode',
    extra: Record<string, string> = {},
  ): Promise<MapboxFeature[]> {
    const url = new URL('/search/geocode/v6/forward', this.options.baseUrl ?? 'https://api.mapbox.com');
    url.searchParams.set('q', q);
    url.searchParams.set('country', 'us');
    url.searchParams.set('limit', '1');
    url.searchParams.set('types', types);
    for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
    url.searchParams.set('access_token', this.options.accessToken);
    const res = await (this.options.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
    });
    if (!res.ok) throw new Error(`Mapbox geocoding answered ${res.status}`);
    const body = (await res.json()) as { features?: MapboxFeature[] };
    return body.features ?? [];
  }
}

import { around } from 'geokdbush';
import KDBush from 'kdbush';
import zipcodes from 'zipcodes';
import { haversineMeters, type LatLng } from './distance.js';
import { type Gazetteer, gazetteer as sharedGazetteer, type Town } from './gazetteer.js';
import { normalizeState, US_STATES } from './states.js';

export interface ResolvedPlace extends LatLng {
  /** What a person would call the place: `Raleigh, NC 27609`, `Raleigh, NC`. */
  label: string;
  /** USPS state code, or null where the point is not in a US state or territory. */
  state: string | null;
}

/** A place a person typed that cannot be resolved: the message says what to try instead. */
export class PlaceNotFoundError extends Error {
  override name = 'PlaceNotFoundError';
  constructor(
    message: string,
    /** Places the person may have meant ("Springfield, MO", "Springfield, MA"), to offer as choices. */
    readonly choices: string[] = [],
  ) {
    super(message);
  }
}

/** A place offered while a person types. */
export interface PlaceSuggestion extends LatLng {
  /** What to put in the search box: `Raleigh, NC`, `27609`. */
  label: string;
  /** What it is, for a screen reader and the list: `Raleigh, North Carolina`, `ZIP code in Raleigh, NC`. */
  description: string;
  state: string | null;
}

/** How many suggestions one prefix gets. */
export const MAX_SUGGESTIONS = 8;

export interface Geocoder {
  /** Resolves a US ZIP code (`27609`, `27609-1234`) or a city (`Raleigh, NC`, `Raleigh, North Carolina`). */
  geocode(place: string): Promise<ResolvedPlace>;
  /** Places starting with what was typed, best first (at most MAX_SUGGESTIONS). */
  suggest(prefix: string): Promise<PlaceSuggestion[]>;
  /** The state a point lies in, judged by the nearest ZIP centroid; null far from any. */
  stateAt(point: LatLng): string | null;
  /** A picked point as a place: labelled by the nearest town, in the state it lies in. */
  describePoint(point: LatLng): ResolvedPlace;
  /**
   * Where a street address is, when this geocoder can tell (Mapbox); null when it cannot, and then a
   * location is placed at its ZIP code's center.
   */
  locateStreetAddress?(address: string): Promise<LatLng | null>;
}

export interface ZipEntry extends LatLng {
  zip: string;
  city: string;
  state: string;
}

/** A point further than this from every ZIP centroid is not in any state (open sea, Canada, Mexico). */
const MAX_STATE_DISTANCE_KM = 80;

const ZIP_PATTERN = /^(\d{5})(?:-\d{4})?$/;

/**
 * Geocodes offline from the ZIP centroids that the `zipcodes` package bundles (about 42,000 US ZIP codes with
 * their city). Built once per process: about 50 ms and 15 MB.
 */
export class OfflineGeocoder implements Geocoder {
  readonly zips: ReadonlyMap<string, ZipEntry>;
  readonly towns: Gazetteer;
  private readonly index: KDBush;
  private readonly entries: ZipEntry[];

  constructor(towns: Gazetteer = sharedGazetteer()) {
    this.towns = towns;
    const zips = new Map<string, ZipEntry>();
    for (const c of Object.values(zipcodes.codes)) {
      if (c.country !== 'US' || !(c.state in US_STATES)) continue;
      const entry: ZipEntry = { zip: c.zip, city: c.city, state: c.state, lat: c.latitude, lng: c.longitude };
      zips.set(c.zip, entry);
    }
    this.zips = zips;
    this.entries = [...zips.values()];
    this.index = new KDBush(this.entries.length);
    for (const e of this.entries) this.index.add(e.lng, e.lat);
    this.index.finish();
  }

  async geocode(place: string): Promise<ResolvedPlace> {
    return this.geocodeSync(place);
  }

  geocodeSync(place: string): ResolvedPlace {
    const text = place.trim().replace(/\s+/g, ' ');
    if (text === '') {
      throw new PlaceNotFoundError(
        'Enter a US ZIP code (such as 27609) or a city and state (such as "Raleigh, NC").',
      );
    }
    const zip = ZIP_PATTERN.exec(text)?.[1];
    if (zip !== undefined) {
      const e = this.zips.get(zip);
      if (!e) {
        throw new PlaceNotFoundError(
          `ZIP code ${zip} is not a US ZIP code we know. Check the digits, or search by city and state (such as "Raleigh, NC").`,
        );
      }
      return { lat: e.lat, lng: e.lng, label: `${e.city}, ${e.state} ${e.zip}`, state: e.state };
    }
    if (/^\d+(-\d*)?$/.test(text)) {
      throw new PlaceNotFoundError(
        `"${text}" is not a ZIP code: a US ZIP code has five digits, such as 27609.`,
      );
    }
    const parsed = splitCityState(text);
    if (!parsed) {
      const choices = this.towns.named(text.replace(/,\s*$/, ''), 6).map(townLabel);
      throw new PlaceNotFoundError(
        choices.length > 0
          ? `Which "${text}"? Choose one, or add the state, such as "${choices[0]}".`
          : `Add the state to "${text}": write a city and state such as "Raleigh, NC", or a ZIP code such as 27609.`,
        choices,
      );
    }
    const town = this.towns.find(parsed.city, parsed.state);
    if (!town) {
      const elsewhere = this.towns.named(parsed.city, 6).map(townLabel);
      throw new PlaceNotFoundError(
        `We could not find a city called "${parsed.city}" in ${US_STATES[parsed.state]}. Check the spelling, or search by ZIP code.`,
        elsewhere,
      );
    }
    return { lat: town.lat, lng: town.lng, label: townLabel(town), state: town.state };
  }

  async suggest(prefix: string): Promise<PlaceSuggestion[]> {
    return this.suggestSync(prefix);
  }

  /** ZIP codes for digits, towns for words: offline, in well under a millisecond. */
  suggestSync(prefix: string): PlaceSuggestion[] {
    const text = prefix.trim().replace(/\s+/g, ' ');
    if (/^\d{3,5}$/.test(text)) {
      const out: PlaceSuggestion[] = [];
      const exact = this.zips.get(text);
      if (exact) out.push(zipSuggestion(exact));
      const more = this.entries.filter((e) => e.zip !== text && e.zip.startsWith(text));
      more.sort((a, b) => (a.zip < b.zip ? -1 : 1));
      return [...out, ...more.map(zipSuggestion)].slice(0, MAX_SUGGESTIONS);
    }
    if (!/\p{L}/u.test(text)) return [];
    return this.towns.suggest(text, MAX_SUGGESTIONS).map((t) => ({
      label: townLabel(t),
      description: `${t.name}, ${US_STATES[t.state] ?? t.state}`,
      state: t.state,
      lat: t.lat,
      lng: t.lng,
    }));
  }

  /** The ZIP centroid nearest a point, with its distance in meters. */
  nearestZip(point: LatLng): { entry: ZipEntry; meters: number } | null {
    const [i] = around(this.index, point.lng, point.lat, 1);
    const entry = i === undefined ? undefined : this.entries[i];
    return entry ? { entry, meters: haversineMeters(point, entry) } : null;
  }

  /** ZIP centroids within `maxKm` of a point, nearest first. */
  zipsAround(point: LatLng, maxKm: number, limit = Infinity): ZipEntry[] {
    return around(this.index, point.lng, point.lat, limit, maxKm).flatMap((i) => this.entries[i] ?? []);
  }

  stateAt(point: LatLng): string | null {
    return stateOf(this.nearestZip(point));
  }

  /**
   * The point, with its label and state found from the nearest ZIP code when first read: a search that shows
   * neither its origin nor the state's telehealth programs never looks (issue 14).
   */
  describePoint(point: LatLng): ResolvedPlace {
    let described: { label: string; state: string | null } | undefined;
    const describe = () => {
      described ??= this.describe(point);
      return described;
    };
    return {
      lat: point.lat,
      lng: point.lng,
      get label() {
        return describe().label;
      },
      get state() {
        return describe().state;
      },
    };
  }

  private describe(point: LatLng): { label: string; state: string | null } {
    const nearest = this.nearestZip(point);
    const state = stateOf(nearest);
    const label =
      nearest && nearest.meters <= 25_000
        ? `Near ${nearest.entry.city}, ${nearest.entry.state}`
        : `${point.lat.toFixed(4)}, ${point.lng.toFixed(4)}`;
    return { label, state };
  }
}

/** The state of the nearest ZIP centroid, or null when it is too far for the point to be in that state. */
function stateOf(nearest: { entry: ZipEntry; meters: number } | null): string | null {
  return nearest && nearest.meters <= MAX_STATE_DISTANCE_KM * 1000 ? nearest.entry.state : null;
}

function townLabel(t: Town): string {
  return `${t.name}, ${t.state}`;
}

function zipSuggestion(e: ZipEntry): PlaceSuggestion {
  return {
    label: e.zip,
    description: `ZIP code ${e.zip}, ${e.city}, ${e.state}`,
    state: e.state,
    lat: e.lat,
    lng: e.lng,
  };
}

function splitCityState(text: string): { city: string; state: string } | null {
  const comma = text.lastIndexOf(',');
  if (comma > 0) {
    const state = normalizeState(text.slice(comma + 1));
    const city = text.slice(0, comma).trim();
    return state && city ? { city, state } : null;
  }
  // "Raleigh NC" or "Salt Lake City Utah": try the last one, two or three words as the state.
  const words = text.split(' ');
  for (let n = 1; n <= Math.min(3, words.length - 1); n++) {
    const state = normalizeState(words.slice(-n).join(' '));
    if (state) return { city: words.slice(0, -n).join(' '), state };
  }
  return null;
}

let shared: OfflineGeocoder | undefined;
/** One offline geocoder per process: its tables are read-only. */
export function offlineGeocoder(): OfflineGeocoder {
  shared ??= new OfflineGeocoder();
  return shared;
}

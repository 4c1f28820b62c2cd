import type { ResultOf } from '../graphql/index.js';
import { graphql } from '../graphql/index.js';

/** Everything the location editor offers to choose from. */
export const LocationChoicesQuery = graphql(`
  query LocationChoices {
    routes { code name }
    conditions { code name }
    services { code name }
    insurancePayers { code name }
  }
`);
export type Choices = ResultOf<typeof LocationChoicesQuery>;

export const EditLocationQuery = graphql(`
  query EditLocation($id: ID!) {
    location(id: $id) {
      id name isTelehealth servesStates phone email acceptingNewPatients typicalWaitDays minAge maxAge languages
      address { line1 line2 city state postalCode }
      coordinates { lat lng }
      offeredRoutes { priceUsd sessionMinutes route { code } }
      acceptedConditions { code }
      services { code }
      acceptedInsurance { code }
      hours { day opens closes }
      clinic { id name viewerRole }
    }
  }
`);
export type EditableLocation = NonNullable<ResultOf<typeof EditLocationQuery>['location']>;

export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The form as a person fills it in: text as typed, one row per route offered or not, one per weekday. */
export interface LocationFormValues {
  name: string;
  telehealth: boolean;
  addressLine1: string;
  addressLine2: string;
  city: string;
  state: string;
  postalCode: string;
  coordinates: { lat: number; lng: number } | null;
  servesStates: string[];
  phone: string;
  email: string;
  acceptingNewPatients: boolean;
  typicalWaitDays: string;
  minAge: string;
  maxAge: string;
  languages: string[];
  routes: { code: string; offered: boolean; priceUsd: string; sessionMinutes: string }[];
  conditions: string[];
  services: string[];
  insurance: string[];
  hours: { open: boolean; opens: string; closes: string }[];
}

const list = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const num = (text: string) => (text.trim() === '' ? null : Number(text));
const checked = (v: string[] | string | false | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** The form's values as the API's LocationInput. */
export function toLocationInput(v: LocationFormValues) {
  return {
    name: v.name,
    telehealth: v.telehealth,
    ...(v.telehealth
      ? { servesStates: v.servesStates }
      : {
          addressLine1: v.addressLine1,
          addressLine2: v.addressLine2,
          city: v.city,
          state: v.state,
          postalCode: v.postalCode,
          coordinates: v.coordinates,
        }),
    phone: v.phone,
    email: v.email,
    acceptingNewPatients: v.acceptingNewPatients,
    typicalWaitDays: num(v.typicalWaitDays),
    minAge: num(v.minAge),
    maxAge: num(v.maxAge),
    languages: v.languages,
    routes: v.routes
      .filter((r) => r.offered)
      .map((r) => ({ route: r.code, priceUsd: num(r.priceUsd), sessionMinutes: num(r.sessionMinutes) })),
    conditions: checked(v.conditions),
    services: checked(v.services),
    insurance: checked(v.insurance),
    hours: v.hours.flatMap((h, day) => (h.open ? [{ day, opens: h.opens, closes: h.closes }] : [])),
  };
}

/**
 * Where an issue with the API's input belongs in the form: the n-th route sent is the n-th one ticked, the
 * n-th period is the n-th open day, and lists typed as text are one field.
 */
export function toFormPath(v: LocationFormValues, path: (string | number)[]): (string | number)[] {
  const [head, index, ...rest] = path;
  if (head === 'routes' && typeof index === 'number') {
    const formIndex = v.routes.map((r, i) => (r.offered ? i : -1)).filter((i) => i >= 0)[index];
    return formIndex === undefined
      ? ['routes', 'root']
      : ['routes', formIndex, ...(rest.length ? rest : ['offered'])];
  }
  if (head === 'routes') return ['routes', 'root'];
  if (head === 'hours' && typeof index === 'number') {
    const day = v.hours.map((h, i) => (h.open ? i : -1)).filter((i) => i >= 0)[index];
    return day === undefined ? ['hours', 'root'] : ['hours', day, ...(rest.length ? rest : ['open'])];
  }
  if (head === 'hours') return ['hours', 'root'];
  if (head === 'servesStates' || head === 'languages' || head === 'coordinates') return [head];
  if (head === 'conditions' || head === 'services' || head === 'insurance') return [head];
  return path;
}

/** A saved location as the form shows it; a new one starts as a street location taking new patients. */
export function toFormValues(choices: Choices, l: EditableLocation | null): LocationFormValues {
  const byDay = new Map((l?.hours ?? []).map((h) => [h.day, h]));
  const offered = new Map((l?.offeredRoutes ?? []).map((r) => [r.route.code, r]));
  const text = (n: number | null | undefined) => (n == null ? '' : String(n));
  return {
    name: l?.name ?? '',
    telehealth: l?.isTelehealth ?? false,
    addressLine1: l?.address?.line1 ?? '',
    addressLine2: l?.address?.line2 ?? '',
    city: l?.address?.city ?? '',
    state: l?.address?.state ?? '',
    postalCode: l?.address?.postalCode ?? '',
    coordinates: l?.coordinates ? { lat: l.coordinates.lat, lng: l.coordinates.lng } : null,
    servesStates: l?.servesStates ?? [],
    phone: l?.phone ?? '',
    email: l?.email ?? '',
    acceptingNewPatients: l?.acceptingNewPatients ?? true,
    typicalWaitDays: text(l?.typicalWaitDays),
    minAge: text(l?.minAge),
    maxAge: text(l?.maxAge),
    languages: l?.languages ?? [],
    routes: choices.routes.map((r) => {
      const o = offered.get(r.code);
      return {
        code: r.code,
        offered: Boolean(o),
        priceUsd: text(o?.priceUsd),
        sessionMinutes: text(o?.sessionMinutes),
      };
    }),
    conditions: (l?.acceptedConditions ?? []).map((c) => c.code),
    services: (l?.services ?? []).map((s) => s.code),
    insurance: (l?.acceptedInsurance ?? []).map((i) => i.code),
    hours: DAYS.map((_, day) => {
      const h = byDay.get(day);
      return h
        ? { open: true, opens: h.opens, closes: h.closes }
        : // No day is open until someone says so: hours nobody entered are "not stated", never 9 to 5.
          { open: false, opens: '09:00', closes: '17:00' };
    }),
  };
}

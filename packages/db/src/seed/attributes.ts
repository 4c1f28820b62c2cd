import type { OpeningHours } from '../schema.js';
import { CONDITIONS, INSURANCE_PAYERS, type RouteCode, SERVICES } from './reference.js';

/** mulberry32: a tiny seeded generator, so fictional data is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** Typical self-pay prices (dollars) and session lengths (minutes) per route, from published clinic fees. */
const ROUTE_TERMS: Record<RouteCode, { price: [number, number] | null; minutes: [number, number] }> = {
  iv: { price: [400, 800], minutes: [60, 120] },
  im: { price: [250, 500], minutes: [60, 90] },
  intranasal_esketamine: { price: null, minutes: [120, 120] },
  lozenge: { price: [150, 300], minutes: [60, 90] },
  oral: { price: [100, 250], minutes: [60, 90] },
  at_home: { price: [200, 350], minutes: [90, 120] },
};

export interface LocationOffering {
  routes: { routeCode: RouteCode; priceCents: number | null; sessionMinutes: number }[];
  conditionCodes: string[];
  serviceCodes: string[];
  payerCodes: string[];
  hours: OpeningHours;
  acceptingNewPatients: boolean;
  typicalWaitDays: number;
  languages: string[];
  minAge: number;
  maxAge: number | null;
}

/** A plausible, varied offering for one location. */
export function drawOffering(rng: Rng, telehealth: boolean): LocationOffering {
  const routeCodes = new Set<RouteCode>();
  if (telehealth) {
    routeCodes.add('at_home');
    if (rng() < 0.4) routeCodes.add(pick(rng, ['lozenge', 'oral'] as const));
  } else {
    const n = between(rng, 1, 3);
    while (routeCodes.size < n)
      routeCodes.add(pick(rng, ['iv', 'iv', 'im', 'intranasal_esketamine', 'lozenge', 'oral'] as const));
  }
  const routes = [...routeCodes].map((routeCode) => {
    const terms = ROUTE_TERMS[routeCode];
    const price =
      terms.price && rng() < 0.9 ? between(rng, terms.price[0] / 25, terms.price[1] / 25) * 25 : null;
    const minutes = between(rng, terms.minutes[0] / 15, terms.minutes[1] / 15) * 15;
    return { routeCode, priceCents: price === null ? null : price * 100, sessionMinutes: minutes };
  });

  const conditionCodes = [
    'trd',
    ...CONDITIONS.slice(1)
      .filter(() => rng() < 0.5)
      .map((c) => c.code),
  ];
  const serviceCodes = [
    'screening',
    ...SERVICES.slice(1)
      .filter(() => rng() < 0.7)
      .map((s) => s.code),
  ];
  const insured = INSURANCE_PAYERS.slice(1).filter(
    () => rng() < (routeCodes.has('intranasal_esketamine') ? 0.6 : 0.25),
  );
  const payerCodes = ['self_pay', ...insured.map((p) => p.code)];

  const hours: OpeningHours = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:00', closes: '17:00' }));
  if (rng() < 0.4) hours.push({ day: 6, opens: '09:00', closes: '13:00' });

  const languages = ['en'];
  if (rng() < 0.4) languages.push('es');
  if (rng() < 0.1) languages.push(pick(rng, ['zh', 'vi', 'ko', 'ar', 'fr', 'ru']));

  return {
    routes,
    conditionCodes,
    serviceCodes,
    payerCodes,
    hours,
    acceptingNewPatients: rng() < 0.8,
    typicalWaitDays: between(rng, 0, 45),
    languages,
    minAge: pick(rng, [18, 18, 18, 16, 12]),
    maxAge: rng() < 0.7 ? null : pick(rng, [65, 75, 85]),
  };
}

const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Magnolia',
  'Dogwood',
  'Willow',
  'Birch',
  'Laurel',
  'Juniper',
  'Sycamore',
];
const SUFFIXES = ['Street', 'Avenue', 'Boulevard', 'Drive', 'Parkway', 'Lane'];

/** A fictional street address line. */
export function drawStreet(rng: Rng): { line1: string; line2: string | null } {
  const line1 = `${between(rng, 100, 9899)} ${pick(rng, STREETS)} ${pick(rng, SUFFIXES)}`;
  return {
    line1,
    line2: rng() < 0.5 ? `Suite ${between(rng, 1, 4)}${between(rng, 0, 2)}${between(rng, 0, 9)}` : null,
  };
}

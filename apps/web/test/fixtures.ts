import type { LocationCardData } from '../src/search/ResultList.js';

/** Fictional locations for component tests. */
export function location(overrides: Partial<LocationCardData> = {}): LocationCardData {
  return {
    id: 'TG9jYXRpb246MQ==',
    name: 'North Hills',
    phone: '+18005550100',
    acceptingNewPatients: true,
    typicalWaitDays: 3,
    isTelehealth: false,
    servesStates: [],
    address: { line1: '1 Sample Street', city: 'Raleigh', state: 'NC', postalCode: '27609' },
    coordinates: { lat: 35.85, lng: -78.63 },
    clinic: { id: 'Q2xpbmljOjE=', name: 'Oak City Ketamine', isSample: true, notRecentlyConfirmed: false },
    offeredRoutes: [
      { priceUsd: 475, route: { code: 'iv', name: 'IV infusion' } },
      { priceUsd: null, route: { code: 'im', name: 'Intramuscular injection' } },
    ],
    acceptedConditions: [
      { code: 'trd', name: 'Treatment-resistant depression' },
      { code: 'ptsd', name: 'PTSD' },
    ],
    ...overrides,
  };
}

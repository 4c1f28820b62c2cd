import { describe, expect, it } from 'vitest';
import { fitWarnings, type LocationOffer } from '../src/referrals/fit.js';

const offer: LocationOffer = {
  acceptingNewPatients: true,
  acceptedConditions: [
    { code: 'trd', name: 'Treatment-resistant depression' },
    { code: 'ptsd', name: 'PTSD' },
  ],
  offeredRoutes: [{ route: { code: 'iv', name: 'IV infusion' } }],
  acceptedInsurance: [{ code: 'aetna', name: 'Aetna' }],
};
const names = {
  conditions: new Map([
    ['trd', 'Treatment-resistant depression'],
    ['ocd', 'OCD'],
  ]),
  routes: new Map([
    ['iv', 'IV infusion'],
    ['intranasal_esketamine', 'Intranasal esketamine'],
  ]),
  insurance: new Map([
    ['aetna', 'Aetna'],
    ['cigna', 'Cigna'],
  ]),
};

describe('warnings before sending a referral', () => {
  it('says nothing when the referral fits what the location lists', () => {
    expect(fitWarnings(offer, { conditions: ['trd'], route: 'iv', insurance: 'aetna' }, names)).toEqual([]);
  });

  it('names each condition, route and payer the location does not list, each tied to its field', () => {
    expect(
      fitWarnings(
        offer,
        { conditions: ['trd', 'ocd'], route: 'intranasal_esketamine', insurance: 'cigna' },
        names,
      ),
    ).toEqual([
      { field: 'conditions', message: 'This location does not list OCD among the conditions it treats.' },
      { field: 'route', message: 'This location does not offer Intranasal esketamine.' },
      { field: 'insurance', message: 'This location does not list Cigna as accepted.' },
    ]);
  });

  it('warns that a location is not taking new patients', () => {
    expect(
      fitWarnings(
        { ...offer, acceptingNewPatients: false },
        { conditions: [], route: null, insurance: null },
        names,
      ),
    ).toEqual([{ field: 'accepting', message: 'This location says it is not taking new patients.' }]);
  });

  it('does not warn about what a location has not listed at all', () => {
    const silent = { ...offer, acceptedConditions: [], offeredRoutes: [], acceptedInsurance: [] };
    expect(fitWarnings(silent, { conditions: ['ocd'], route: 'iv', insurance: 'cigna' }, names)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { EMPTY_SEARCH, parseSearch, searchVariables, toSearchParams } from '../src/search/url-state.js';

describe('a search in the URL', () => {
  it('round-trips place, radius, filters and selection', () => {
    const state = {
      ...EMPTY_SEARCH,
      place: 'Raleigh, NC',
      radius: 50,
      conditions: ['ptsd', 'trd'],
      routes: ['iv'],
      insurance: ['aetna'],
      acceptingOnly: true,
      telehealth: false,
      selected: 'TG9jYXRpb246MQ==',
    };
    const url = toSearchParams(state).toString();
    expect(url).toBe(
      'place=Raleigh%2C+NC&radius=50&conditions=ptsd%2Ctrd&routes=iv&insurance=aetna&accepting=1&telehealth=0&selected=TG9jYXRpb246MQ%3D%3D',
    );
    expect(parseSearch(new URLSearchParams(url))).toEqual(state);
  });

  it('keeps a point to four decimals and leaves defaults out', () => {
    const url = toSearchParams({ ...EMPTY_SEARCH, near: { lat: 35.848123, lng: -78.631789 } }).toString();
    expect(url).toBe('near=35.8481%2C-78.6318');
  });

  it('falls back to defaults for values edited by hand into nonsense', () => {
    const s = parseSearch(new URLSearchParams('place=27609&radius=-3&near=abc&conditions=,,ptsd,ptsd'));
    expect(s).toEqual({ ...EMPTY_SEARCH, place: '27609', conditions: ['ptsd'] });
  });

  it('shows every radius as one of the choices the list offers, rounding up', () => {
    expect(parseSearch(new URLSearchParams('place=27609&radius=37')).radius).toBe(50);
    expect(parseSearch(new URLSearchParams('place=27609&radius=3')).radius).toBe(10);
    expect(toSearchParams({ ...EMPTY_SEARCH, place: '27609', radius: 101 }).get('radius')).toBe('250');
  });

  it('asks the API for accepting patients only when that filter is on', () => {
    expect(searchVariables({ ...EMPTY_SEARCH, place: '27609' }).filter.acceptingNewPatients).toBeNull();
    expect(
      searchVariables({ ...EMPTY_SEARCH, place: '27609', acceptingOnly: true }).filter.acceptingNewPatients,
    ).toBe(true);
  });
});

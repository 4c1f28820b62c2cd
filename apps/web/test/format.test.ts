import { describe, expect, it } from 'vitest';
import {
  countLabel,
  formatDistance,
  formatPhone,
  formatWait,
  safeWebUrl,
  summarize,
} from '../src/search/format.js';

describe('how listing facts read', () => {
  it('links a clinic’s website only when it is a web address', () => {
    expect(safeWebUrl('https://clinic.example.org/kap')).toBe('https://clinic.example.org/kap');
    expect(safeWebUrl('http://clinic.example.org')).toBe('http://clinic.example.org/');
    expect(safeWebUrl('javascript:alert(1)')).toBeNull();
    expect(safeWebUrl('data:text/html,hi')).toBeNull();
    expect(safeWebUrl('not a url')).toBeNull();
    expect(safeWebUrl(null)).toBeNull();
  });

  it('rounds distances the way people say them', () => {
    expect(formatDistance(0.04)).toBe('less than 0.1 mi');
    expect(formatDistance(2.94)).toBe('2.9 mi');
    expect(formatDistance(12.7)).toBe('13 mi');
  });

  it('says waits in days, then weeks', () => {
    expect(formatWait(0)).toBe('Same-day appointments');
    expect(formatWait(1)).toBe('Typical wait 1 day');
    expect(formatWait(21)).toBe('Typical wait 3 weeks');
    expect(formatWait(null)).toBeNull();
  });

  it('formats US phone numbers and shortens long lists', () => {
    expect(formatPhone('+1 800 555 0100')).toBe('(800) 555-0100');
    expect(summarize(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
  });
});

describe('lowest prices', () => {
  it('keeps the cheapest price of each route, cheapest route first, and skips unpublished ones', async () => {
    const { lowestPrices } = await import('../src/search/format.js');
    expect(
      lowestPrices([
        { priceUsd: 600, route: { code: 'iv', name: 'IV infusion' } },
        { priceUsd: 450, route: { code: 'iv', name: 'IV infusion' } },
        { priceUsd: 300, route: { code: 'im', name: 'Intramuscular injection' } },
        { priceUsd: null, route: { code: 'oral', name: 'Oral' } },
      ]),
    ).toEqual([
      { route: 'Intramuscular injection', price: '$300' },
      { route: 'IV infusion', price: '$450' },
    ]);
  });
});

describe('countLabel', () => {
  it('reads an exact count as the number, and a count that stopped at its cap as "more than"', () => {
    expect(countLabel({ value: 12, exact: true })).toBe('12');
    expect(countLabel({ value: 1234, exact: true })).toBe('1,234');
    expect(countLabel({ value: 5000, exact: false })).toBe('more than 5,000');
  });
});

// @vitest-environment node
import { readFileSync } from 'node:fs';
import { gazetteer, townLabels } from '@kapmap/geo';
import { describe, expect, it } from 'vitest';
import { townFeatures } from '../src/map/offline-style.js';

const committed = JSON.parse(readFileSync(new URL('../src/map/towns.json', import.meta.url), 'utf8'));

describe('the offline map’s town names', () => {
  it('are the gazetteer’s towns of 10,000 people or more, as the search knows them (run pnpm towns)', () => {
    expect(committed).toEqual(townLabels(gazetteer(), 10_000));
  });

  it('name the large cities people look for, where they are', () => {
    const byName = new Map(townFeatures(committed).features.map((f) => [f.properties.name, f]));
    expect(byName.get('Raleigh')?.geometry.coordinates).toEqual([
      expect.closeTo(-78.64, 1),
      expect.closeTo(35.77, 1),
    ]);
    expect(byName.get('Winston-Salem')?.properties.population).toBeGreaterThan(200_000);
    expect(committed.length).toBeGreaterThan(4000);
  });
});

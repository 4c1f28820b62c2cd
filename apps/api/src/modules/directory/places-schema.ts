import { MAX_SUGGESTIONS, type PlaceSuggestion } from '@kapmap/geo';
import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { REFERENCE_CACHE } from '../../graphql/cache-policy.js';
import { capped } from '../../graphql/limits.js';

/** The longest prefix worth suggesting for: longer than any US place name with its state. */
const MAX_PREFIX = 100;

const PlaceSuggestionRef = builder.objectRef<PlaceSuggestion>('PlaceSuggestion').implement({
  ...REFERENCE_CACHE,
  description: 'A place offered while someone types in the search box.',
  fields: (t) => ({
    label: t.exposeString('label', {
      description:
        'What goes in the search box, and what searchLocations(place:) resolves: "Raleigh, NC", "27609".',
    }),
    description: t.exposeString('description', {
      description: 'What the place is, in words: "Raleigh, North Carolina", "ZIP code 27609, Raleigh, NC".',
    }),
    state: t.exposeString('state', { nullable: true, description: 'USPS state code.' }),
    lat: t.exposeFloat('lat'),
    lng: t.exposeFloat('lng'),
  }),
});

builder.queryField('placeSuggestions', (t) =>
  t.field({
    type: [PlaceSuggestionRef],
    ...capped(MAX_SUGGESTIONS),
    description:
      `Up to ${MAX_SUGGESTIONS} US places starting with prefix, largest first: towns and cities for words ` +
      '("Ral", "Springfield, I"), ZIP codes for three to five digits. Offline; with a Mapbox token, Mapbox ' +
      'fills in streets and neighborhoods.',
    args: { prefix: t.arg.string({ required: true }) },
    validate: z.object({
      prefix: z.string().max(MAX_PREFIX, `prefix must be at most ${MAX_PREFIX} characters.`),
    }),
    resolve: (_root, args, ctx) => ctx.geocoder.suggest(args.prefix),
  }),
);

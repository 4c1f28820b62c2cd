import { offlineGeocoder } from '@kapmap/geo';
import { count } from 'drizzle-orm';
import type { Database, DbHandle } from '../client.js';
import {
  clinics,
  conditions,
  insurancePayers,
  locationConditions,
  locationInsurance,
  locationRoutes,
  locationServices,
  locations,
  routes,
  services,
} from '../schema.js';
import { drawOffering, drawStreet, type LocationOffering, seededRandom } from './attributes.js';
import { DEMO_CLINICS } from './demo-clinics.js';
import { CONDITIONS, INSURANCE_PAYERS, ROUTES, SERVICES } from './reference.js';

export * from './attributes.js';
export { DEMO_CLINICS } from './demo-clinics.js';
export * from './reference.js';

/** Writes the reference data (routes, conditions, services, payers), updating names of existing codes. */
export async function seedReferenceData(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [i, r] of ROUTES.entries()) {
      const row = { ...r, sortOrder: i };
      await tx.insert(routes).values(row).onConflictDoUpdate({ target: routes.code, set: row });
    }
    for (const [i, c] of CONDITIONS.entries()) {
      const row = { ...c, sortOrder: i };
      await tx.insert(conditions).values(row).onConflictDoUpdate({ target: conditions.code, set: row });
    }
    for (const [i, s] of SERVICES.entries()) {
      const row = { ...s, sortOrder: i };
      await tx.insert(services).values(row).onConflictDoUpdate({ target: services.code, set: row });
    }
    for (const [i, p] of INSURANCE_PAYERS.entries()) {
      const row = { ...p, sortOrder: i };
      await tx
        .insert(insurancePayers)
        .values(row)
        .onConflictDoUpdate({ target: insurancePayers.code, set: row });
    }
  });
}

const DAY_MS = 86_400_000;

/**
 * Writes the fictional demo directory (DEMO_CLINICS) in one transaction: all of it or nothing.
 * `now` fixes the last-confirmed dates, for tests that need them stable.
 */
export async function seedDemoData(db: Database, now: Date = new Date()): Promise<void> {
  const geocoder = offlineGeocoder();
  await db.transaction(async (tx) => {
    for (const [ci, demo] of DEMO_CLINICS.entries()) {
      const rng = seededRandom(1000 + ci);
      const slug = demo.name.toLowerCase().replace(/[^a-z0-9]+/g, '');
      const [clinic] = await tx
        .insert(clinics)
        .values({
          name: demo.name,
          description: `Sample listing: ${demo.name} is a fictional clinic in kapmap's demo data. It does not exist.`,
          website: `https://${slug}.example.org`,
          phone: `(800) 555-01${String(ci).padStart(2, '0')}`,
          email: `hello@${slug}.example.org`,
          verification: demo.unpublished ? 'pending' : 'verified',
          published: !demo.unpublished,
          isSample: true,
          lastConfirmedAt: new Date(now.getTime() - Math.floor(rng() * 120) * DAY_MS),
        })
        .returning({ id: clinics.id });
      if (!clinic) throw new Error('inserting a demo clinic returned no row');

      const sites: (Omit<typeof locations.$inferInsert, 'clinicId'> & { offering: LocationOffering })[] =
        demo.locations.map((l) => {
          const place = geocoder.zips.get(l.zip);
          if (!place) throw new Error(`demo ZIP ${l.zip} is not in the ZIP table`);
          const street = drawStreet(rng);
          return {
            name: `${demo.name} — ${l.name ?? place.city}`,
            kind: 'physical' as const,
            addressLine1: street.line1,
            addressLine2: street.line2,
            city: place.city,
            state: place.state,
            postalCode: place.zip,
            // Within about a kilometer of the ZIP centroid, so sites in one ZIP do not sit on one point.
            lat: place.lat + (rng() - 0.5) * 0.02,
            lng: place.lng + (rng() - 0.5) * 0.02,
            offering: drawOffering(rng, false),
          };
        });
      if (demo.telehealthStates) {
        sites.push({
          name: `${demo.name} — Telehealth`,
          kind: 'telehealth',
          servesStates: demo.telehealthStates,
          offering: drawOffering(rng, true),
        });
      }
      for (const [li, site] of sites.entries()) {
        const { offering: o, ...place } = site;
        const [loc] = await tx
          .insert(locations)
          .values({
            ...place,
            clinicId: clinic.id,
            phone: `(800) 555-01${String((ci * 3 + li) % 100).padStart(2, '0')}`,
            hours: o.hours,
            acceptingNewPatients: o.acceptingNewPatients,
            typicalWaitDays: o.typicalWaitDays,
            languages: o.languages,
            minAge: o.minAge,
            maxAge: o.maxAge,
          })
          .returning({ id: locations.id });
        if (!loc) throw new Error('inserting a demo location returned no row');
        const locationId = loc.id;
        await tx.insert(locationRoutes).values(o.routes.map((r) => ({ ...r, locationId })));
        await tx
          .insert(locationConditions)
          .values(o.conditionCodes.map((conditionCode) => ({ locationId, conditionCode })));
        await tx
          .insert(locationServices)
          .values(o.serviceCodes.map((serviceCode) => ({ locationId, serviceCode })));
        await tx
          .insert(locationInsurance)
          .values(o.payerCodes.map((payerCode) => ({ locationId, payerCode })));
      }
    }
  });
}

/**
 * Brings a database up to date: migrations, then reference data, then the demo directory when the
 * database holds no clinic yet (first start). Safe to run on every start.
 */
export async function prepareDatabase(
  handle: DbHandle,
  options: { demo: boolean },
): Promise<{ seededDemo: boolean }> {
  await handle.migrate();
  await seedReferenceData(handle.db);
  if (!options.demo) return { seededDemo: false };
  const [row] = await handle.db.select({ n: count() }).from(clinics);
  if ((row?.n ?? 0) > 0) return { seededDemo: false };
  await seedDemoData(handle.db);
  return { seededDemo: true };
}

import { defineRelations } from 'drizzle-orm';
import * as schema from './schema.js';

export const relations = defineRelations(schema, (r) => ({
  clinics: {
    locations: r.many.locations(),
  },
  locations: {
    clinic: r.one.clinics({ from: r.locations.clinicId, to: r.clinics.id, optional: false }),
    routeOfferings: r.many.locationRoutes(),
    conditionLinks: r.many.locationConditions(),
    serviceLinks: r.many.locationServices(),
    insuranceLinks: r.many.locationInsurance(),
    conditions: r.many.conditions({
      from: r.locations.id.through(r.locationConditions.locationId),
      to: r.conditions.code.through(r.locationConditions.conditionCode),
    }),
    services: r.many.services({
      from: r.locations.id.through(r.locationServices.locationId),
      to: r.services.code.through(r.locationServices.serviceCode),
    }),
    insurancePayers: r.many.insurancePayers({
      from: r.locations.id.through(r.locationInsurance.locationId),
      to: r.insurancePayers.code.through(r.locationInsurance.payerCode),
    }),
  },
  locationRoutes: {
    location: r.one.locations({ from: r.locationRoutes.locationId, to: r.locations.id, optional: false }),
    route: r.one.routes({ from: r.locationRoutes.routeCode, to: r.routes.code, optional: false }),
  },
  locationConditions: {
    location: r.one.locations({ from: r.locationConditions.locationId, to: r.locations.id, optional: false }),
    condition: r.one.conditions({
      from: r.locationConditions.conditionCode,
      to: r.conditions.code,
      optional: false,
    }),
  },
  locationServices: {
    location: r.one.locations({ from: r.locationServices.locationId, to: r.locations.id, optional: false }),
    service: r.one.services({ from: r.locationServices.serviceCode, to: r.services.code, optional: false }),
  },
  locationInsurance: {
    location: r.one.locations({ from: r.locationInsurance.locationId, to: r.locations.id, optional: false }),
    payer: r.one.insurancePayers({
      from: r.locationInsurance.payerCode,
      to: r.insurancePayers.code,
      optional: false,
    }),
  },
}));

export type Relations = typeof relations;

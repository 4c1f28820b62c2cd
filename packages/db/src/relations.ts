import { defineRelations } from 'drizzle-orm';
import * as schema from './schema.js';

export const relations = defineRelations(schema, (r) => ({
  clinics: {
    locations: r.many.locations(),
    members: r.many.clinicMembers(),
    invitations: r.many.clinicInvitations(),
    reports: r.many.listingReports(),
    changes: r.many.listingChanges(),
    referrals: r.many.referrals(),
  },
  users: {
    memberships: r.many.clinicMembers(),
    providerProfile: r.one.providerProfiles({ from: r.users.id, to: r.providerProfiles.userId }),
  },
  sessions: {
    user: r.one.users({ from: r.sessions.userId, to: r.users.id, optional: false }),
  },
  providerProfiles: {
    user: r.one.users({ from: r.providerProfiles.userId, to: r.users.id, optional: false }),
  },
  clinicMembers: {
    clinic: r.one.clinics({ from: r.clinicMembers.clinicId, to: r.clinics.id, optional: false }),
    user: r.one.users({ from: r.clinicMembers.userId, to: r.users.id, optional: false }),
  },
  clinicInvitations: {
    clinic: r.one.clinics({ from: r.clinicInvitations.clinicId, to: r.clinics.id, optional: false }),
  },
  listingReports: {
    clinic: r.one.clinics({ from: r.listingReports.clinicId, to: r.clinics.id, optional: false }),
    location: r.one.locations({ from: r.listingReports.locationId, to: r.locations.id }),
  },
  listingChanges: {
    clinic: r.one.clinics({ from: r.listingChanges.clinicId, to: r.clinics.id, optional: false }),
    actor: r.one.users({ from: r.listingChanges.actorId, to: r.users.id }),
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
  referrals: {
    sender: r.one.users({ from: r.referrals.senderId, to: r.users.id, optional: false }),
    senderProfile: r.one.providerProfiles({ from: r.referrals.senderId, to: r.providerProfiles.userId }),
    clinic: r.one.clinics({ from: r.referrals.clinicId, to: r.clinics.id, optional: false }),
    location: r.one.locations({ from: r.referrals.locationId, to: r.locations.id, optional: false }),
    route: r.one.routes({ from: r.referrals.routeCode, to: r.routes.code }),
    payer: r.one.insurancePayers({ from: r.referrals.payerCode, to: r.insurancePayers.code }),
    events: r.many.referralEvents(),
    messages: r.many.referralMessages(),
    accessLog: r.many.referralAccessLog(),
  },
  referralEvents: {
    referral: r.one.referrals({ from: r.referralEvents.referralId, to: r.referrals.id, optional: false }),
    actor: r.one.users({ from: r.referralEvents.actorId, to: r.users.id }),
  },
  referralMessages: {
    referral: r.one.referrals({ from: r.referralMessages.referralId, to: r.referrals.id, optional: false }),
    author: r.one.users({ from: r.referralMessages.authorId, to: r.users.id }),
  },
  referralAccessLog: {
    referral: r.one.referrals({ from: r.referralAccessLog.referralId, to: r.referrals.id, optional: false }),
    actor: r.one.users({ from: r.referralAccessLog.actorId, to: r.users.id }),
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

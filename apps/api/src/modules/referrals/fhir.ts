import type {
  conditions,
  insurancePayers,
  providerProfiles,
  referralEvents,
  referrals,
  routes,
} from '@kapmap/db/schema';
import type { ReferralPatient } from '@kapmap/validation';
import { SCREENING_QUESTIONS } from '@kapmap/validation';
import type { ReferralStatus } from './loop.js';

/**
 * A referral as FHIR R4, for an EHR: a Bundle (type collection) of the ServiceRequest (what was asked,
 * by whom, for whom), its Task (where the loop stands: status, businessStatus, statusReason) and the
 * Patient. The tests check it against the official R4 JSON schema.
 */
const KAPMAP = 'https://kapmap.org/fhir';

const TASK_STATUS: Record<ReferralStatus, string> = {
  sent: 'requested',
  received: 'received',
  accepted: 'accepted',
  scheduled: 'in-progress',
  completed: 'completed',
  declined: 'rejected',
  cancelled: 'cancelled',
};

const REQUEST_STATUS: Record<ReferralStatus, string> = {
  sent: 'active',
  received: 'active',
  accepted: 'active',
  scheduled: 'active',
  completed: 'completed',
  declined: 'revoked',
  cancelled: 'revoked',
};

const PRIORITY = { routine: 'routine', soon: 'urgent', urgent: 'asap' } as const;

export interface BundleSource {
  referral: Pick<
    typeof referrals.$inferSelect,
    'id' | 'status' | 'urgency' | 'createdAt' | 'updatedAt' | 'scheduledFor' | 'declineReason'
  >;
  patient: ReferralPatient;
  closingNote: string | null;
  sender: typeof providerProfiles.$inferSelect | null;
  clinic: { id: string; name: string };
  location: { id: string; name: string };
  route: typeof routes.$inferSelect | null;
  payer: typeof insurancePayers.$inferSelect | null;
  conditions: (typeof conditions.$inferSelect)[];
  events: (typeof referralEvents.$inferSelect)[];
}

export function referralBundle(s: BundleSource) {
  const r = s.referral;
  // Entries refer to each other by fullUrl: UUIDs derived from the referral's, stable across exports.
  const requestUrl = `urn:uuid:${r.id}`;
  const patientUrl = `urn:uuid:${r.id.slice(0, 24)}000000000001`;
  const taskUrl = `urn:uuid:${r.id.slice(0, 24)}000000000002`;
  const screening = Object.entries(SCREENING_QUESTIONS)
    .map(([key, q]) => `${q}: ${s.patient.screening[key as keyof typeof SCREENING_QUESTIONS].toLowerCase()}`)
    .join('; ');
  const notes = [
    s.patient.clinicalNote && { text: s.patient.clinicalNote },
    s.patient.medications && { text: `Current medications: ${s.patient.medications}` },
    { text: `Safety screening — ${screening}.` },
    s.route && { text: `Preferred route: ${s.route.name}.` },
    { text: `Insurance: ${s.payer ? s.payer.name : 'self-pay'}.` },
  ].filter(Boolean);
  const patient = {
    resourceType: 'Patient',
    name: [{ text: s.patient.name }],
    birthDate: s.patient.dateOfBirth,
    telecom: [
      ...(s.patient.phone ? [{ system: 'phone', value: s.patient.phone }] : []),
      ...(s.patient.email ? [{ system: 'email', value: s.patient.email }] : []),
    ],
    address: [{ postalCode: s.patient.homePostalCode, country: 'US' }],
  };
  const serviceRequest = {
    resourceType: 'ServiceRequest',
    identifier: [{ system: `${KAPMAP}/referral`, value: r.id }],
    status: REQUEST_STATUS[r.status],
    intent: 'order',
    category: [
      {
        coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }],
      },
    ],
    priority: PRIORITY[r.urgency],
    code: { text: 'Ketamine-assisted psychotherapy' },
    subject: { reference: patientUrl },
    authoredOn: r.createdAt.toISOString(),
    requester: {
      display: s.sender ? `${s.sender.name}, ${s.sender.practice}` : 'Referring provider',
      ...(s.sender ? { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: s.sender.npi } } : {}),
    },
    performer: [{ display: s.clinic.name, identifier: { system: `${KAPMAP}/clinic`, value: s.clinic.id } }],
    locationReference: [
      { display: s.location.name, identifier: { system: `${KAPMAP}/location`, value: s.location.id } },
    ],
    reasonCode: [
      ...s.conditions.map((c) => ({
        coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: c.icd10, display: c.name }],
        text: c.name,
      })),
      { text: s.patient.reason },
    ],
    note: notes,
  };
  const task = {
    resourceType: 'Task',
    identifier: [{ system: `${KAPMAP}/referral-task`, value: r.id }],
    basedOn: [{ reference: requestUrl }],
    focus: { reference: requestUrl },
    for: { reference: patientUrl },
    status: TASK_STATUS[r.status],
    businessStatus: {
      coding: [{ system: `${KAPMAP}/referral-status`, code: r.status }],
      text: r.status,
    },
    ...(r.status === 'declined' || r.status === 'cancelled'
      ? {
          statusReason: {
            ...(r.declineReason
              ? { coding: [{ system: `${KAPMAP}/referral-decline-reason`, code: r.declineReason }] }
              : {}),
            text: s.closingNote ?? (r.declineReason ?? 'cancelled').replaceAll('_', ' '),
          },
        }
      : {}),
    intent: 'order',
    priority: PRIORITY[r.urgency],
    authoredOn: r.createdAt.toISOString(),
    lastModified: r.updatedAt.toISOString(),
    owner: { display: s.clinic.name },
    ...(r.scheduledFor ? { executionPeriod: { start: r.scheduledFor.toISOString() } } : {}),
    note: s.events.map((e) => ({ time: e.at.toISOString(), text: `Status ${e.toStatus}.` })),
  };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: requestUrl, resource: serviceRequest },
      { fullUrl: taskUrl, resource: task },
      { fullUrl: patientUrl, resource: patient },
    ],
  };
}

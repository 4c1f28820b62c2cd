import { SCREENING_QUESTIONS } from '@kapmap/validation';

/** How statuses, urgencies and decline reasons read on screen. */
export type ReferralStatus =
  | 'SENT'
  | 'RECEIVED'
  | 'ACCEPTED'
  | 'SCHEDULED'
  | 'COMPLETED'
  | 'DECLINED'
  | 'CANCELLED';

export const STATUS_LABEL: Record<ReferralStatus, string> = {
  SENT: 'Sent',
  RECEIVED: 'Received',
  ACCEPTED: 'Accepted',
  SCHEDULED: 'Scheduled',
  COMPLETED: 'Completed',
  DECLINED: 'Declined',
  CANCELLED: 'Canceled',
};

/** What each status means for whoever is waiting on it. */
export const STATUS_HINT: Record<ReferralStatus, string> = {
  SENT: 'Waiting for the clinic to open it.',
  RECEIVED: 'The clinic has opened it and is deciding.',
  ACCEPTED: 'The clinic will see the patient; an appointment is next.',
  SCHEDULED: 'A first appointment is booked.',
  COMPLETED: 'The clinic has closed the loop.',
  DECLINED: 'The clinic will not see the patient.',
  CANCELLED: 'The referring provider withdrew it.',
};

const STATUS_TONE: Record<ReferralStatus, string> = {
  SENT: 'muted',
  RECEIVED: '',
  ACCEPTED: 'ok',
  SCHEDULED: 'ok',
  COMPLETED: 'ok',
  DECLINED: 'error',
  CANCELLED: 'muted',
};

export function StatusBadge({ status }: { status: ReferralStatus }) {
  return <span className={`badge ${STATUS_TONE[status]}`}>{STATUS_LABEL[status]}</span>;
}

export const URGENCY_LABEL = {
  ROUTINE: 'Routine',
  SOON: 'Soon (within weeks)',
  URGENT: 'Urgent (within days)',
};

export const DECLINE_LABEL = {
  NOT_A_CANDIDATE: 'Not a candidate for KAP',
  NOT_ACCEPTING_NEW_PATIENTS: 'Not accepting new patients',
  INSURANCE_NOT_ACCEPTED: 'Insurance not accepted',
  OUTSIDE_SERVICE_AREA: 'Outside our service area',
  UNABLE_TO_CONTACT: 'Unable to contact the patient',
  OTHER: 'Other (say why in the note)',
} as const;

export const ANSWER_LABEL = { YES: 'Yes', NO: 'No', UNKNOWN: 'Not known' } as const;

export { SCREENING_QUESTIONS };

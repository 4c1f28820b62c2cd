/**
 * The closed loop of a referral, as data: which side may take each step, from which statuses. Every
 * mutation asks `checkStep` before writing, so the rules live here and nowhere else.
 *
 *   sent → received → accepted → scheduled → completed
 *   declined by the clinic from sent, received or accepted; cancelled by the sender before completion.
 */
export type ReferralStatus =
  | 'sent'
  | 'received'
  | 'accepted'
  | 'scheduled'
  | 'completed'
  | 'declined'
  | 'cancelled';

export type Side = 'sender' | 'clinic';

export type ReferralStep = 'receive' | 'accept' | 'schedule' | 'complete' | 'decline' | 'cancel';

export const STEPS: Record<
  ReferralStep,
  { side: Side; from: readonly ReferralStatus[]; to: ReferralStatus }
> = {
  receive: { side: 'clinic', from: ['sent'], to: 'received' },
  accept: { side: 'clinic', from: ['received'], to: 'accepted' },
  schedule: { side: 'clinic', from: ['accepted'], to: 'scheduled' },
  complete: { side: 'clinic', from: ['scheduled'], to: 'completed' },
  decline: { side: 'clinic', from: ['sent', 'received', 'accepted'], to: 'declined' },
  cancel: { side: 'sender', from: ['sent', 'received', 'accepted', 'scheduled'], to: 'cancelled' },
};

const VERB: Record<ReferralStep, string> = {
  receive: 'mark it received',
  accept: 'accept it',
  schedule: 'schedule it',
  complete: 'mark it completed',
  decline: 'decline it',
  cancel: 'cancel it',
};

const orList = (items: readonly string[]) =>
  items.length === 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** Why a step may not be taken now, in words for the person who tried; null when it may. */
export function refusal(step: ReferralStep, sides: ReadonlySet<Side>, status: ReferralStatus): string | null {
  const rule = STEPS[step];
  if (!sides.has(rule.side))
    return rule.side === 'clinic'
      ? `Only the receiving clinic can ${VERB[step]}.`
      : `Only the provider who sent this referral can ${VERB[step]}.`;
  if (status === rule.to) return `This referral is already ${status}.`;
  if (!rule.from.includes(status))
    return `This referral is ${status}; to ${VERB[step]} it must be ${orList(rule.from)}.`;
  return null;
}

/** The steps a viewer on these sides may take now: the buttons the referral page shows. */
export function allowedSteps(sides: ReadonlySet<Side>, status: ReferralStatus): ReferralStep[] {
  return (Object.keys(STEPS) as ReferralStep[]).filter((step) => refusal(step, sides, status) === null);
}

/** What a location lists, as the referral form reads it. */
export interface LocationOffer {
  acceptingNewPatients: boolean;
  acceptedConditions: { code: string; name: string }[];
  offeredRoutes: { route: { code: string; name: string } }[];
  acceptedInsurance: { code: string; name: string }[];
}

export interface ReferralAsk {
  conditions: string[];
  route: string | null;
  insurance: string | null;
}

/** Which part of the referral a warning is about: shown beside that field, and on the referral's page. */
export type FitField = 'accepting' | 'conditions' | 'route' | 'insurance';
export interface FitWarning {
  field: FitField;
  message: string;
}

/**
 * Where a referral does not fit what the location lists: warnings, not refusals. A listing may be
 * incomplete, and the clinic decides; but the provider should know before sending.
 */
export function fitWarnings(
  offer: LocationOffer,
  ask: ReferralAsk,
  names: { conditions: Map<string, string>; routes: Map<string, string>; insurance: Map<string, string> },
): FitWarning[] {
  const warnings: FitWarning[] = [];
  const warn = (field: FitField, message: string) => warnings.push({ field, message });
  if (!offer.acceptingNewPatients) warn('accepting', 'This location says it is not taking new patients.');
  const treated = new Set(offer.acceptedConditions.map((c) => c.code));
  const untreated = ask.conditions.filter((c) => !treated.has(c));
  if (offer.acceptedConditions.length > 0 && untreated.length > 0)
    warn(
      'conditions',
      `This location does not list ${untreated.map((c) => names.conditions.get(c) ?? c).join(', ')} among the conditions it treats.`,
    );
  if (
    ask.route &&
    offer.offeredRoutes.length > 0 &&
    !offer.offeredRoutes.some((r) => r.route.code === ask.route)
  )
    warn('route', `This location does not offer ${names.routes.get(ask.route) ?? ask.route}.`);
  if (
    ask.insurance &&
    offer.acceptedInsurance.length > 0 &&
    !offer.acceptedInsurance.some((i) => i.code === ask.insurance)
  )
    warn(
      'insurance',
      `This location does not list ${names.insurance.get(ask.insurance) ?? ask.insurance} as accepted.`,
    );
  return warnings;
}

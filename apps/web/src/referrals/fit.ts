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

/**
 * Where a referral does not fit what the location lists: warnings, not refusals. A listing may be
 * incomplete, and the clinic decides; but the provider should know before sending.
 */
export function fitWarnings(
  offer: LocationOffer,
  ask: ReferralAsk,
  names: { conditions: Map<string, string>; routes: Map<string, string>; insurance: Map<string, string> },
): string[] {
  const warnings: string[] = [];
  if (!offer.acceptingNewPatients) warnings.push('This location says it is not taking new patients.');
  const treated = new Set(offer.acceptedConditions.map((c) => c.code));
  const untreated = ask.conditions.filter((c) => !treated.has(c));
  if (offer.acceptedConditions.length > 0 && untreated.length > 0)
    warnings.push(
      `This location does not list ${untreated.map((c) => names.conditions.get(c) ?? c).join(', ')} among the conditions it treats.`,
    );
  if (
    ask.route &&
    offer.offeredRoutes.length > 0 &&
    !offer.offeredRoutes.some((r) => r.route.code === ask.route)
  )
    warnings.push(`This location does not offer ${names.routes.get(ask.route) ?? ask.route}.`);
  if (
    ask.insurance &&
    offer.acceptedInsurance.length > 0 &&
    !offer.acceptedInsurance.some((i) => i.code === ask.insurance)
  )
    warnings.push(
      `This location does not list ${names.insurance.get(ask.insurance) ?? ask.insurance} as accepted.`,
    );
  return warnings;
}

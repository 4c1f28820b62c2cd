/** Display helpers shared by result cards, the clinic page, the portal and the admin page. */

export function formatDistance(miles: number): string {
  if (miles < 0.1) return 'less than 0.1 mi';
  return `${miles < 10 ? miles.toFixed(1) : Math.round(miles).toLocaleString('en-US')} mi`;
}

export function formatWait(days: number | null | undefined): string | null {
  if (days == null) return null;
  if (days === 0) return 'Same-day appointments';
  if (days < 14) return `Typical wait ${days} day${days === 1 ? '' : 's'}`;
  return `Typical wait ${Math.round(days / 7)} weeks`;
}

export function formatPhone(phone: string): string {
  const d = phone.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
  return d.length === 10 ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : phone;
}

export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export function formatPrice(usd: number | null | undefined): string | null {
  if (usd == null) return null;
  return usd.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
}

/**
 * Directions to a place in the person's own maps app: Google's cross-platform Maps URL opens the app on
 * phones that have it and maps.google.com elsewhere. The address is the clinic's public one.
 */
export function directionsHref(
  address: { line1: string; city: string; state: string; postalCode: string } | null | undefined,
  at: { lat: number; lng: number } | null | undefined,
): string | null {
  const destination = address
    ? `${address.line1}, ${address.city}, ${address.state} ${address.postalCode}`
    : at
      ? `${at.lat},${at.lng}`
      : null;
  if (!destination) return null;
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(destination)}`;
}

/** The lowest self-pay price per route ("IV infusion from $450"), for routes that publish one. */
export function lowestPrices(
  offered: { priceUsd?: number | null; route: { code: string; name: string } }[],
): { route: string; price: string }[] {
  const best = new Map<string, { name: string; usd: number }>();
  for (const o of offered) {
    if (o.priceUsd == null) continue;
    const b = best.get(o.route.code);
    if (!b || o.priceUsd < b.usd) best.set(o.route.code, { name: o.route.name, usd: o.priceUsd });
  }
  return [...best.values()]
    .sort((a, b) => a.usd - b.usd)
    .map((b) => ({ route: b.name, price: formatPrice(b.usd) ?? '' }));
}

/** "Raleigh, NC" → a list of names: "PTSD, OCD and 2 more". */
export function summarize(names: string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** A link target from listing data, only when it is a web address: never `javascript:` or `data:`. */
export function safeWebUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Dates as the portal shows them: "November 22, 2026"; null stays null. */
export function formatDate(iso: string | null | undefined): string | null {
  return iso ? new Date(iso).toLocaleDateString('en-US', { dateStyle: 'long' }) : null;
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A bounded count as people read it: "1,234", or "more than 5,000" when the count stopped at its cap. */
export function countLabel(count: { value: number; exact: boolean }): string {
  const n = count.value.toLocaleString('en-US');
  return count.exact ? n : `more than ${n}`;
}

/** Dates as the portal shows them: "November 22, 2026"; null stays null. */
export function formatDate(iso: string | null | undefined): string | null {
  return iso ? new Date(iso).toLocaleDateString('en-US', { dateStyle: 'long' }) : null;
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

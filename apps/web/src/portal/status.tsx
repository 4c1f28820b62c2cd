/** Where a clinic stands with kapmap, as its team sees it. */
export function StatusBadge({
  verification,
  published,
}: {
  verification: 'PENDING' | 'VERIFIED' | 'REJECTED' | null | undefined;
  published: boolean | null | undefined;
}) {
  if (published) return <span className="badge ok">Public</span>;
  if (verification === 'REJECTED') return <span className="badge error">Not accepted</span>;
  if (verification === 'VERIFIED') return <span className="badge muted">Unpublished</span>;
  return <span className="badge muted">Waiting for verification</span>;
}

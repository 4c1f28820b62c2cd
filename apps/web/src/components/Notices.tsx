import { Link } from 'react-router';

/** What a page says while its data loads: read out once, not as an alarm. */
export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p className="notice" role="status">
      {what}
    </p>
  );
}

/** Any address that leads nowhere, and any page a role may not see: the same answer. */
export function NotFound() {
  return (
    <div className="notice empty">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Search for clinics</Link>
      </p>
    </div>
  );
}

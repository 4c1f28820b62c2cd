import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Notices.js';
import { useViewer, type Viewer } from './viewer.js';

/** Pages for signed-in users: anyone else is sent to sign in, and brought back here afterwards. */
export function RequireSignIn({ children }: { children: (viewer: Viewer) => ReactNode }) {
  const { viewer, loading, error, refetch } = useViewer();
  const location = useLocation();
  if (loading) return <Loading />;
  if (error) return <ErrorNotice error={error} onRetry={refetch} />;
  if (!viewer) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children(viewer)}</>;
}

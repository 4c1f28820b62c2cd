import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { useViewer } from '../account/viewer.js';
import { graphql } from '../graphql/index.js';
import { CrisisLine } from './CrisisLine.js';

const SignOut = graphql(`
  mutation SignOut { signOut }
`);

/** Where a physician starts: an account, already marked as a referring physician's. */
export const PHYSICIANS_ENTRY = '/sign-up?role=physician';

/** Who is signed in, and where they can go: a patient sees only "Sign in" for clinic teams and physicians. */
function AccountNav() {
  const { viewer } = useViewer();
  const [state, signOut] = useMutation(SignOut);
  if (!viewer)
    return (
      <nav className="account-nav" aria-label="Account">
        <Link to={PHYSICIANS_ENTRY}>For referring physicians</Link>
        <Link to="/sign-in">Sign in</Link>
      </nav>
    );
  return (
    <nav className="account-nav" aria-label="Account">
      {viewer.providerProfile ? (
        <Link to="/referrals">My referrals</Link>
      ) : (
        <Link to="/referrals/register">For referring physicians</Link>
      )}
      <Link to="/portal">Your clinics</Link>
      {viewer.isPlatformAdmin && <Link to="/admin">Admin</Link>}
      <button
        type="button"
        className="link"
        disabled={state.fetching}
        onClick={async () => {
          await signOut({});
          // A fresh page: nothing the account could read stays in this tab's cache.
          window.location.assign('/');
        }}
      >
        Sign out<span className="visually-hidden"> {viewer.displayName}</span>
      </button>
    </nav>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand" aria-label="kapmap home">
          kapmap
        </Link>
        <span className="tagline">Find ketamine-assisted psychotherapy near you</span>
        <AccountNav />
      </header>
      <CrisisLine />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

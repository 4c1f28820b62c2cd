import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { CrisisLine } from './CrisisLine.js';

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
      </header>
      <CrisisLine />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { RequireSignIn } from '../src/account/RequireSignIn.js';
import { SignInPage } from '../src/account/SignInPage.js';
import { useViewer } from '../src/account/viewer.js';
import { createClient } from '../src/graphql/client.js';

const user = {
  __typename: 'User',
  id: 'u1',
  displayName: 'Sample Person',
  email: 'sample@example.org',
  emailVerified: true,
  isPlatformAdmin: false,
  providerProfile: null,
  memberships: [],
};

/**
 * A server that answers "nobody is signed in" until the sign-in, and then answers the viewer slowly: the
 * race that once sent a user who had just signed in back to the sign-in page.
 */
function slowViewerServer() {
  let signedIn = false;
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
    const { query } = JSON.parse(String(init?.body)) as { query: string };
    let data: unknown;
    if (query.includes('signIn(')) {
      signedIn = true;
      data = { signIn: user };
    } else {
      if (signedIn) await new Promise((r) => setTimeout(r, 300));
      data = { viewer: signedIn ? user : null };
    }
    return new Response(JSON.stringify({ data }), { headers: { 'content-type': 'application/json' } });
  };
  return createClient('http://kapmap.test/graphql', fetch);
}

/** The app's header asks for the viewer on every page, so the "nobody" answer stays live in the cache. */
function Header() {
  const { viewer } = useViewer();
  return <header>{viewer ? viewer.displayName : 'Signed out'}</header>;
}

describe('signing in', () => {
  it('lands on the page asked for, never back on the sign-in page, however slowly the viewer answers', async () => {
    const client = slowViewerServer();
    const person = userEvent.setup();
    // The visitor first opened /portal signed out, so "nobody" is already in the cache.
    render(
      <Provider value={client}>
        <MemoryRouter initialEntries={['/portal']}>
          <Header />
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route
              path="/portal"
              element={<RequireSignIn>{(viewer) => <p>Portal of {viewer.displayName}</p>}</RequireSignIn>}
            />
          </Routes>
        </MemoryRouter>
      </Provider>,
    );
    await person.type(await screen.findByLabelText('Email'), 'sample@example.org');
    await person.type(screen.getByLabelText('Password'), 'correct horse battery staple');
    await person.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Portal of Sample Person')).toBeVisible();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
  });
});

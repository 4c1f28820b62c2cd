import type { Client } from '@urql/core';
import { Link, Route, Routes } from 'react-router';
import { Provider } from 'urql';
import { ClinicPage } from './clinic/ClinicPage.js';
import { Layout } from './components/Layout.js';
import { SearchPage } from './search/SearchPage.js';

function NotFound() {
  return (
    <div className="notice empty">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Search for clinics</Link>
      </p>
    </div>
  );
}

export function App({ client }: { client: Client }) {
  return (
    <Provider value={client}>
      <Layout>
        <Routes>
          <Route path="/" element={<SearchPage />} />
          <Route path="/clinics/:id" element={<ClinicPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout>
    </Provider>
  );
}

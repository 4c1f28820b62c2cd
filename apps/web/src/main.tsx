import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { loadConfig } from './config.js';
import { createClient } from './graphql/client.js';
import './styles.css';

// The map's engine and shapes load once the first results are listed (MapView's `defer`): the list comes
// first on a slow phone. The configuration is small and needed to choose the engine, so it is asked for now.
void loadConfig().catch(() => {});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <App client={createClient()} />
    </BrowserRouter>
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { loadConfig } from './config.js';
import { createClient } from './graphql/client.js';
import { chooseEngine, loadEngine } from './map/engine.js';
import './styles.css';

// Both pages show a map: start fetching its engine now, beside the first query, not after the first render.
loadConfig()
  .then((c) => loadEngine(chooseEngine(c.mapboxToken)))
  .catch(() => {});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <App client={createClient()} />
    </BrowserRouter>
  </StrictMode>,
);

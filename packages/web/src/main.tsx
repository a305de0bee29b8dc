import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { registerServiceWorker } from './app/serviceWorker.js';
import { setupI18n } from './i18n/index.js';
import './styles.css';
import './reports/reports.css';

setupI18n();
registerServiceWorker();
const root = document.getElementById('root');
if (!root) throw new Error('#root fehlt in index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Renderer entry: connect to the host, build the store, render the register.

import { createRoot } from 'react-dom/client';
import { connectToHost } from './api/host-connection.ts';
import { createAppStore, followConnection } from './store/app-store.ts';
import { StoreContext } from './store/store-context.ts';
import { App } from './screens/common/app.tsx';
import './styles.css';

const { client, transport } = connectToHost();
const { store } = createAppStore(client);
followConnection(store, transport);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StoreContext.Provider value={store}>
    <App />
  </StoreContext.Provider>,
);

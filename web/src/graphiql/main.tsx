import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './page.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { readToken } from '../api/session-storage';
import { GRAPHIQL_EXAMPLES } from './examples';

const token = readToken();
const headers = JSON.stringify(token ? { Authorization: `Bearer ${token}` } : {}, null, 2);
const fetcher = createGraphiQLFetcher({ url: '/graphql' });
// GraphiQL seeds the first tab's variables editor from initialVariables only (not from
// defaultTabs); pass them on a fresh tab, not over the tabs this browser tab already has.
const freshTab = window.sessionStorage.getItem('graphiql:tabState') === null;

// Tabs and headers are kept in sessionStorage: the token never outlives the tab.
createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      storage={window.sessionStorage}
      defaultHeaders={headers}
      initialVariables={freshTab ? GRAPHIQL_EXAMPLES[0].variables : undefined}
      defaultTabs={GRAPHIQL_EXAMPLES.map((e) => ({ query: e.query, variables: e.variables, headers }))}
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);

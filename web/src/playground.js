// The GraphiQL playground: the schema's docs come from introspection of
// /graphql on the same origin, and the example operations open in tabs.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './playground.css';

import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { examples, pathEndsQuery, pathVariables } from './examples.js';
import { fixOperationName } from './operation-name.js';

const endpoint = new URL('/graphql', window.location.href).toString();

// fetcher posts one operation to the server. GraphiQL shows whatever comes
// back, errors included; a network failure becomes a readable error too.
async function fetcher(graphiqlParams, opts) {
  const params = fixOperationName(graphiqlParams);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      Accept: 'application/graphql-response+json, application/json',
      'Content-Type': 'application/json',
      ...(opts?.headers ?? {}),
    },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
  }
}

// startTabs returns the example tabs, with the path example's variables set
// to two real entity IDs when the graph has them.
async function startTabs() {
  const tabs = examples.map((e) => ({ query: e.query, variables: e.variables }));
  try {
    const res = await fetcher({ query: pathEndsQuery, operationName: 'PathEnds' });
    const vars = pathVariables(res?.data);
    const i = examples.findIndex((e) => e.name === 'PathBetween');
    if (vars && i >= 0) tabs[i].variables = JSON.stringify(vars, null, 2);
  } catch (err) {
    console.warn('newsgraph: could not pick path example endpoints:', err);
  }
  return tabs;
}

// firstVisit reports whether GraphiQL has no saved tabs in this browser.
function firstVisit() {
  try {
    return window.localStorage.getItem('graphiql:tabState') === null;
  } catch {
    return true;
  }
}

// Restore examples: forget GraphiQL's saved tabs and editors, then reload.
// The keys are cleared by the reloaded page before GraphiQL starts: the
// leaving page may still save its tabs (GraphiQL writes them on a timer),
// which would bring the old tabs back.
const resetFlag = 'newsgraph:reset-tabs';

function clearSavedTabs() {
  for (const key of Object.keys(window.localStorage)) {
    if (key.startsWith('graphiql:') && key !== 'graphiql:theme') window.localStorage.removeItem(key);
  }
}

try {
  if (window.sessionStorage.getItem(resetFlag) !== null) {
    window.sessionStorage.removeItem(resetFlag);
    clearSavedTabs();
  }
} catch (err) {
  console.warn('newsgraph: cannot reset the saved tabs:', err);
}

document.getElementById('reset-tabs')?.addEventListener('click', () => {
  try {
    clearSavedTabs();
    window.sessionStorage.setItem(resetFlag, '1');
  } catch (err) {
    console.warn('newsgraph: cannot reset the saved tabs:', err);
  }
  window.location.reload();
});

const container = document.getElementById('graphiql');
startTabs().then((defaultTabs) => {
  container.textContent = '';
  // GraphiQL fills the first tab's variables editor from initialVariables
  // only, not from defaultTabs; returning visitors keep their saved tabs.
  const initial = firstVisit() ? { initialVariables: defaultTabs[0].variables } : {};
  createRoot(container).render(
    h(GraphiQL, {
      fetcher,
      defaultTabs,
      ...initial,
      defaultEditorToolsVisibility: 'variables',
      shouldPersistHeaders: false,
    }),
  );
});

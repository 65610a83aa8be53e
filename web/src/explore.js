// The explore page: search entities, draw an entity's neighbourhood with
// cytoscape, expand nodes, read the evidence behind an edge, and see an
// entity's aliases, counts and the numbers stated around it.
import './explore.css';

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { allPages, gql, splitEvidence } from './api.js';
import { operations as Q } from './explore-queries.js';

cytoscape.use(fcose);

const TYPES = {
  PERSON: { color: '#2563eb', shape: 'ellipse', label: 'person' },
  ORGANIZATION: { color: '#d97706', shape: 'round-rectangle', label: 'organization' },
  PLACE: { color: '#059669', shape: 'diamond', label: 'place' },
  NUMBER: { color: '#7c3aed', shape: 'hexagon', label: 'number' },
  DATE: { color: '#db2777', shape: 'triangle', label: 'date' },
};
const typeInfo = (t) => TYPES[t] ?? { color: '#6b7280', shape: 'ellipse', label: String(t).toLowerCase() };

const NEIGHBOURS = 25;

// el builds a DOM element; children are nodes or strings (set as text, so
// nothing from the server is ever parsed as HTML).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const $ = (id) => document.getElementById(id);
const panel = $('panel');
const graphBox = $('graph');

function showError(where, err) {
  console.error(err);
  where.replaceChildren(el('p', { class: 'error' }, String(err.message || err)));
}

function typeBadge(t) {
  const info = typeInfo(t);
  return el('span', { class: 'badge', style: `background:${info.color}` }, info.label);
}

function formatNumber(v) {
  if (v === null || v === undefined) return '';
  return Number(v).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

// articleLink links to an article's URL, or names it by its external ID
// when it has no URL.
function articleLink(a) {
  const name = a.title || a.externalId || a.id;
  if (a.url && /^https?:\/\//i.test(a.url)) {
    return el('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer', title: a.externalId ?? '' }, name);
  }
  return el('span', { class: 'article-id', title: 'article ' + (a.externalId ?? a.id) }, name);
}

// ---- the graph ----

const cy = cytoscape({
  container: graphBox,
  wheelSensitivity: 0.3,
  minZoom: 0.15,
  maxZoom: 3,
  style: [
    {
      selector: 'node',
      style: {
        'background-color': 'data(color)',
        shape: 'data(shape)',
        width: 'data(size)',
        height: 'data(size)',
        label: 'data(name)',
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        color: '#111827',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'ellipsis',
        'text-max-width': 140,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.75,
        'text-background-padding': 1,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    { selector: 'node[?expanded]', style: { 'border-width': 3, 'border-color': '#111827' } },
    { selector: 'node[?root]', style: { 'font-weight': 'bold', 'font-size': 13 } },
    { selector: 'node:selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': '#9ca3af',
        'curve-style': 'bezier',
        opacity: 0.8,
      },
    },
    { selector: 'edge:selected', style: { 'line-color': '#f59e0b', opacity: 1, label: 'data(label)', 'font-size': 10, 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.9 } },
    { selector: '.faded', style: { opacity: 0.2 } },
  ],
});

// Tests and the curious can reach the graph from the console.
window.newsgraphExplore = { cy };

function updateCounts() {
  graphBox.dataset.nodeCount = String(cy.nodes().length);
  graphBox.dataset.edgeCount = String(cy.edges().length);
  $('graph-empty').hidden = cy.nodes().length > 0;
}

const nodeSize = (mentions) => Math.round(22 + 9 * Math.log2(1 + (mentions || 0)));
const edgeWidth = (sentences) => Math.min(12, 1 + 2 * Math.log2(1 + (sentences || 0)));
const pairId = (a, b) => (a < b ? `${a}~${b}` : `${b}~${a}`);

function addNode(ent, position) {
  const existing = cy.getElementById(ent.id);
  if (existing.nonempty()) return existing;
  const info = typeInfo(ent.type);
  return cy.add({
    group: 'nodes',
    data: {
      id: ent.id,
      name: ent.name,
      type: ent.type,
      color: info.color,
      shape: info.shape,
      size: nodeSize(ent.mentionCount),
      mentions: ent.mentionCount,
      articles: ent.articleCount,
    },
    position,
  });
}

function addEdge(a, b, n) {
  const id = pairId(a, b);
  const existing = cy.getElementById(id);
  if (existing.nonempty()) return existing;
  const types = (n.types ?? []).join(', ');
  return cy.add({
    group: 'edges',
    data: {
      id,
      source: a,
      target: b,
      sentences: n.sentenceCount,
      articles: n.articleCount,
      width: edgeWidth(n.sentenceCount),
      label: `${types} · ${n.sentenceCount} sent., ${n.articleCount} art.`,
    },
  });
}

function runLayout(randomize) {
  if (cy.nodes().length === 0) return;
  cy.layout({
    name: 'fcose',
    quality: 'default',
    randomize,
    animate: !randomize,
    animationDuration: 400,
    fit: true,
    padding: 40,
    nodeRepulsion: () => 9000,
    idealEdgeLength: () => 110,
    nodeSeparation: 80,
  }).run();
}

let graphToken = 0;

// expand adds an entity's direct neighbours to the graph.
async function expand(id, { fresh = false } = {}) {
  const token = ++graphToken;
  graphBox.classList.add('busy');
  try {
    const data = await gql(Q.neighbours, { id, first: NEIGHBOURS });
    if (token !== graphToken) return;
    const ent = data.entity;
    if (!ent) throw new Error(`entity ${id} not found`);
    if (fresh) cy.elements().remove();
    const centre = addNode(ent, { x: 0, y: 0 });
    if (fresh) centre.data('root', true);
    const at = centre.position();
    for (const n of ent.neighbors) {
      addNode(n.entity, { x: at.x + Math.random() * 60 - 30, y: at.y + Math.random() * 60 - 30 });
      addEdge(n.via.id, n.entity.id, n);
    }
    centre.data('expanded', true);
    updateCounts();
    runLayout(fresh);
  } catch (err) {
    if (token === graphToken) showError(panel, err);
  } finally {
    if (token === graphToken) graphBox.classList.remove('busy');
  }
}

cy.on('tap', 'node', (evt) => {
  const id = evt.target.id();
  if (!evt.target.data('expanded')) expand(id);
  showEntity(id);
});
cy.on('tap', 'edge', (evt) => {
  showEvidence(evt.target.source().data(), evt.target.target().data());
});
cy.on('mouseover', 'node', (evt) => {
  const hood = evt.target.closedNeighborhood();
  cy.elements().not(hood).addClass('faded');
});
cy.on('mouseout', 'node', () => cy.elements().removeClass('faded'));

$('relayout').addEventListener('click', () => runLayout(true));
$('fit').addEventListener('click', () => cy.fit(undefined, 40));

// ---- the side panel: one entity ----

let panelToken = 0;

async function showEntity(id) {
  const token = ++panelToken;
  panel.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  let ent;
  try {
    ent = (await gql(Q.entity, { id })).entity;
  } catch (err) {
    if (token === panelToken) showError(panel, err);
    return;
  }
  if (token !== panelToken) return;
  if (!ent) {
    panel.replaceChildren(el('p', { class: 'error' }, `Entity ${id} was not found.`));
    return;
  }
  const numbersBox = el('div', { class: 'numbers' }, el('p', { class: 'muted' }, 'Looking for numbers…'));
  const extra = [];
  if (ent.type === 'NUMBER') extra.push(el('div', {}, el('b', {}, 'Value '), formatNumber(ent.value), ent.unit ? ` ${ent.unit}` : ''));
  if (ent.type === 'DATE' && ent.iso) extra.push(el('div', {}, el('b', {}, 'Date '), ent.iso));
  const articles = ent.articles.edges.map((e) => e.node);
  panel.replaceChildren(
    el('h2', {}, ent.name, ' ', typeBadge(ent.type)),
    el('div', { class: 'counts' },
      el('span', {}, el('b', {}, ent.mentionCount), ' mentions'),
      el('span', {}, el('b', {}, ent.articleCount), ' articles'),
      el('span', { class: 'muted' }, ent.id),
    ),
    ...extra,
    el('h3', {}, 'Aliases'),
    ent.aliases.length
      ? el('ul', { class: 'chips' }, ent.aliases.map((a) => el('li', {}, a)))
      : el('p', { class: 'muted' }, 'none'),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => openEntity(ent.id) }, 'Centre the graph here'),
    ),
    el('h3', {}, 'Numbers around it'),
    numbersBox,
    el('h3', {}, `Articles (${ent.articles.totalCount})`),
    el('ul', { class: 'articles' }, articles.map((a) => el('li', {}, articleLink(a), a.outlet ? el('span', { class: 'muted' }, ` · ${a.outlet}`) : ''))),
    ent.merges.length
      ? el('details', {}, el('summary', {}, `Why these were merged (${ent.merges.length})`),
          el('ul', { class: 'merges' }, ent.merges.map((m) => el('li', {}, `“${m.name}” in ${m.article.externalId ?? m.article.id} by key `, el('code', {}, m.key)))))
      : '',
  );
  try {
    const found = await numbersAround(ent, articles);
    if (token === panelToken) renderNumbers(numbersBox, found, ent);
  } catch (err) {
    if (token === panelToken) showError(numbersBox, err);
  }
}

// numbersAround finds the NUMBER mentions in the entity's articles (the
// first NUMBER_ARTICLES of them) and marks those in a sentence that also
// mentions the entity.
async function numbersAround(ent, articles) {
  const sentences = new Set(ent.mentions.edges.map((e) => `${e.node.article.id}@${e.node.sentenceStart}`));
  const out = [];
  for (const a of articles) {
    const { nodes } = await allPages(async (after) => {
      const d = await gql(Q.articleMentions, { id: a.id, after });
      return d.article?.mentions;
    }, { maxPages: 5 });
    for (const m of nodes) {
      if (m.entity.type !== 'NUMBER' || m.entity.id === ent.id) continue;
      out.push({ ...m, article: a, same: sentences.has(`${a.id}@${m.sentenceStart}`) });
    }
  }
  out.sort((x, y) => Number(y.same) - Number(x.same));
  return out;
}

function renderNumbers(box, found, ent) {
  if (found.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No numbers in its articles.'));
    return;
  }
  const same = found.filter((n) => n.same);
  const other = found.filter((n) => !n.same);
  const item = (n) => {
    const [pre, hit, post] = splitEvidence(n.sentence, n.sentenceStart, n.start, n.end);
    return el('li', {},
      el('div', { class: 'num' },
        el('b', {}, formatNumber(n.entity.value)),
        n.entity.unit ? ` ${n.entity.unit}` : '',
        n.qualifier ? el('span', { class: 'muted' }, ` (${n.qualifier})`) : ''),
      el('blockquote', {}, pre, el('mark', {}, hit), post),
      el('div', { class: 'src' }, articleLink(n.article)));
  };
  box.replaceChildren(
    el('p', { class: 'muted' }, `In a sentence that names ${ent.name}: ${same.length}`),
    el('ul', { class: 'evidence' }, same.map(item)),
    other.length
      ? el('details', {}, el('summary', {}, `Elsewhere in its articles: ${other.length}`), el('ul', { class: 'evidence' }, other.map(item)))
      : '',
  );
}

// ---- the side panel: one edge ----

async function showEvidence(a, b) {
  const token = ++panelToken;
  panel.replaceChildren(el('p', { class: 'muted' }, 'Loading the evidence…'));
  const isPair = (r) => (r.source.id === a.id && r.target.id === b.id) || (r.source.id === b.id && r.target.id === a.id);
  let rels;
  let truncated;
  try {
    ({ nodes: rels, truncated } = await allPages(async (after) => {
      const d = await gql(Q.relations, { id: a.id, after });
      return d.entity?.relations;
    }, { maxPages: 10 }));
  } catch (err) {
    if (token === panelToken) showError(panel, err);
    return;
  }
  if (token !== panelToken) return;
  rels = rels.filter(isPair).sort((x, y) => y.sentenceCount - x.sentenceCount);
  const head = el('h2', {}, a.name, ' — ', b.name);
  if (rels.length === 0) {
    panel.replaceChildren(head, el('p', { class: 'muted' }, truncated
      ? 'No relation between them in the first pages of relations.'
      : 'No stored relation links them directly.'));
    return;
  }
  panel.replaceChildren(
    head,
    el('p', { class: 'muted' }, `${rels.length} relation${rels.length === 1 ? '' : 's'}`),
    ...rels.map((r) => el('section', { class: 'relation' },
      el('h3', {},
        el('span', { class: 'rtype' }, r.type),
        r.label ? ` ${r.label}` : '',
        el('span', { class: 'muted' }, ` ${r.source.name} → ${r.target.name}`)),
      el('div', { class: 'counts' },
        el('span', {}, el('b', {}, r.sentenceCount), ' sentences'),
        el('span', {}, el('b', {}, r.articleCount), ' articles'),
        el('span', {}, el('b', {}, r.outletCount), ' outlets')),
      el('ul', { class: 'evidence' }, r.evidence.map((ev) => {
        const [pre, hit, post] = splitEvidence(ev.sentence, ev.sentenceStart, ev.start, ev.end);
        return el('li', {},
          el('blockquote', {}, pre, el('mark', {}, hit), post),
          el('div', { class: 'src' }, articleLink(ev.article), el('span', { class: 'muted' }, ` · offsets ${ev.start}–${ev.end}`)));
      })),
    )),
  );
}

// ---- search ----

let searchToken = 0;

async function search(text, type) {
  const token = ++searchToken;
  const info = $('results-info');
  const list = $('results');
  info.textContent = 'Searching…';
  try {
    const d = await gql(Q.search, { search: text || null, type: type || null });
    if (token !== searchToken) return;
    const nodes = d.entities.edges.map((e) => e.node);
    info.textContent = nodes.length === 0
      ? 'No entity matches.'
      : `${d.entities.totalCount} match${d.entities.totalCount === 1 ? '' : 'es'}${d.entities.totalCount > nodes.length ? `, the first ${nodes.length} shown` : ''}`;
    list.replaceChildren(...nodes.map((n) => el('li', {},
      el('button', { type: 'button', class: 'result', 'data-id': n.id, onclick: () => openEntity(n.id) },
        el('span', { class: 'dot', style: `background:${typeInfo(n.type).color}` }),
        el('span', { class: 'name' }, n.name),
        el('span', { class: 'muted small' }, `${typeInfo(n.type).label} · ${n.mentionCount} mentions · ${n.articleCount} articles`),
        n.aliases.length > 1 ? el('span', { class: 'muted small aliases' }, n.aliases.filter((x) => x !== n.name).slice(0, 4).join(', ')) : ''))));
  } catch (err) {
    if (token === searchToken) showError(info, err);
  }
}

function openEntity(id) {
  if (window.location.hash !== `#${id}`) history.replaceState(null, '', `#${encodeURIComponent(id)}`);
  for (const b of document.querySelectorAll('.result')) b.classList.toggle('active', b.dataset.id === id);
  expand(id, { fresh: true });
  showEntity(id);
}

let typingTimer = 0;
$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typingTimer);
  search($('search').value.trim(), $('type').value);
});
$('type').addEventListener('change', () => search($('search').value.trim(), $('type').value));
// Search as one types, once the typing pauses.
$('search').addEventListener('input', () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => search($('search').value.trim(), $('type').value), 300);
});

// ---- start ----

$('legend').replaceChildren(...Object.entries(TYPES).map(([, t]) =>
  el('span', {}, el('span', { class: 'dot', style: `background:${t.color}` }), t.label)));
updateCounts();

gql(Q.stats).then((d) => {
  const s = d.stats;
  $('stats').textContent = `${s.articles} articles · ${s.entities} entities · ${s.mentions} mentions · ${s.relations} relations`;
}).catch((err) => { $('stats').textContent = `stats unavailable: ${err.message}`; });

const start = decodeURIComponent(window.location.hash.slice(1));
if (start) openEntity(start);
else search('', '');

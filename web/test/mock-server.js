// A tiny stand-in for `newsgraph serve`, for developing the pages without
// the Go server: it serves web/dist and executes GraphQL against the real
// schema/schema.graphql over a small invented graph (two articles written
// here). Run it with `node test/mock-server.js [port]`; the browser tests
// use the real server, not this.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { buildSchema, graphql } from 'graphql';

const root = new URL('..', import.meta.url).pathname;
const schema = buildSchema(readFileSync(join(root, '../schema/schema.graphql'), 'utf8'));

// ---- the invented graph ----

const people = ['Maria Example', 'Tomas Sample'];
const texts = [
  'Maria Example, the mayor of Riverton, said on Monday that 1,200 people had left the city. ' +
    'Tomas Sample of the Northwind Agency visited Riverton and Lakeside.',
  'The Northwind Agency said about 300 homes in Lakeside lost power. ' +
    'Maria Example told reporters the Northwind Agency would help.',
];
const entityDefs = [
  { id: 'E1', name: people[0], type: 'PERSON', aliases: [people[0], 'Example'] },
  { id: 'E2', name: people[1], type: 'PERSON', aliases: [people[1]] },
  { id: 'E3', name: 'Northwind Agency', type: 'ORGANIZATION', aliases: ['Northwind Agency'] },
  { id: 'E4', name: 'Riverton', type: 'PLACE', aliases: ['Riverton'] },
  { id: 'E5', name: 'Lakeside', type: 'PLACE', aliases: ['Lakeside'] },
  { id: 'E6', name: '1,200 people', type: 'NUMBER', aliases: ['1,200 people'], value: 1200, unit: 'people' },
  { id: 'E7', name: '300 homes', type: 'NUMBER', aliases: ['300 homes'], value: 300, unit: 'homes' },
];

const cps = (s) => Array.from(s);
const sentencesOf = (text) => {
  const out = [];
  const re = /[^.]+\./g;
  let m;
  while ((m = re.exec(text))) {
    const start = cps(text.slice(0, m.index)).length + (m[0].match(/^\s*/)[0].length);
    const sentence = m[0].trim();
    out.push({ start, end: start + cps(sentence).length, text: sentence });
  }
  return out;
};

const articles = texts.map((text, i) => ({
  id: `A${i + 1}`,
  externalId: `mock-${i + 1}`,
  url: null,
  title: `Mock article ${i + 1}`,
  outlet: 'Mock News',
  published: `2026-01-0${i + 1}T00:00:00Z`,
  text,
  sentences: sentencesOf(text),
}));

// Every occurrence of every alias is a mention.
const mentions = [];
for (const a of articles) {
  for (const e of entityDefs) {
    for (const alias of e.aliases) {
      let from = 0;
      for (;;) {
        const at = a.text.indexOf(alias, from);
        if (at < 0) break;
        from = at + alias.length;
        const start = cps(a.text.slice(0, at)).length;
        const end = start + cps(alias).length;
        if (mentions.some((m) => m.article === a && m.start < end && start < m.end)) continue;
        const s = a.sentences.find((x) => x.start <= start && end <= x.end);
        mentions.push({ article: a, entity: e.id, text: alias, start, end, s, qualifier: a.text.slice(Math.max(0, at - 6), at).includes('about') ? 'about' : null });
      }
    }
  }
}

// Every pair of named entities in one sentence is CO_MENTIONED.
const relations = new Map();
for (const a of articles) {
  for (const s of a.sentences) {
    const ids = [...new Set(mentions.filter((m) => m.article === a && m.s === s).map((m) => m.entity))]
      .filter((id) => !['NUMBER', 'DATE'].includes(entityDefs.find((e) => e.id === id).type)).sort();
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const key = `${ids[i]}~${ids[j]}`;
        if (!relations.has(key)) relations.set(key, { source: ids[i], target: ids[j], evidence: [] });
        relations.get(key).evidence.push({ article: a, s });
      }
    }
  }
}

// ---- resolvers, as methods the default field resolver calls ----

function connection(items, args = {}) {
  const first = Math.min(args.first ?? 20, 100);
  if (first > 100 || first < 0) throw new Error('first must be between 0 and 100');
  const offset = args.after ? Number(args.after) + 1 : 0;
  const page = items.slice(offset, offset + first);
  return {
    edges: page.map((node, i) => ({ cursor: String(offset + i), node })),
    pageInfo: { hasNextPage: offset + first < items.length, endCursor: page.length ? String(offset + page.length - 1) : null },
    totalCount: items.length,
  };
}

const articleObj = (a) => ({
  ...a,
  mentions: (args) => connection(mentions.filter((m) => m.article === a).sort((x, y) => x.start - y.start).map(mentionObj), args),
});
const mentionObj = (m) => ({
  text: m.text,
  start: m.start,
  end: m.end,
  sentence: m.s.text,
  sentenceStart: m.s.start,
  sentenceEnd: m.s.end,
  qualifier: m.qualifier,
  entity: () => entityObj(m.entity),
  article: () => articleObj(m.article),
});
const relationObj = (r) => ({
  type: 'CO_MENTIONED',
  label: null,
  source: () => entityObj(r.source),
  target: () => entityObj(r.target),
  evidence: r.evidence.map((ev) => ({
    article: articleObj(ev.article),
    sentence: ev.s.text,
    start: ev.s.start,
    end: ev.s.end,
    text: ev.s.text,
    sentenceStart: ev.s.start,
    sentenceEnd: ev.s.end,
  })),
  sentenceCount: r.evidence.length,
  articleCount: new Set(r.evidence.map((e) => e.article.id)).size,
  outletCount: 1,
});
const relationsOf = (id) => [...relations.values()].filter((r) => r.source === id || r.target === id);

function entityObj(id) {
  const e = entityDefs.find((x) => x.id === id);
  if (!e) return null;
  const ms = mentions.filter((m) => m.entity === id);
  const arts = [...new Set(ms.map((m) => m.article))];
  return {
    ...e,
    value: e.value ?? null,
    unit: e.unit ?? null,
    iso: null,
    mentionCount: ms.length,
    articleCount: arts.length,
    merges: [],
    mentions: (args) => connection(ms.map(mentionObj), args),
    articles: (args) => connection(arts.map(articleObj), args),
    relations: (args) => connection(relationsOf(id).map(relationObj), args),
    neighbors: ({ depth = 1, first = 25 }) => {
      const seen = new Set([id]);
      const out = [];
      let frontier = [id];
      for (let d = 1; d <= Math.min(depth, 3); d++) {
        const next = [];
        for (const from of frontier) {
          for (const r of relationsOf(from)) {
            const other = r.source === from ? r.target : r.source;
            if (seen.has(other)) continue;
            seen.add(other);
            next.push(other);
            out.push({
              entity: () => entityObj(other), depth: d, via: () => entityObj(from),
              sentenceCount: r.evidence.length, articleCount: new Set(r.evidence.map((x) => x.article.id)).size, types: ['CO_MENTIONED'],
            });
          }
        }
        frontier = next;
      }
      return out.slice(0, first);
    },
  };
}

const rootValue = {
  article: ({ id, externalId }) => {
    const a = articles.find((x) => x.id === id || (externalId && x.externalId === externalId));
    return a ? articleObj(a) : null;
  },
  articles: (args) => connection(articles.map(articleObj), args),
  entity: ({ id }) => entityObj(id),
  entities: ({ type, search, ...args }) => {
    const q = (search ?? '').toLowerCase();
    const hits = entityDefs.filter((e) => (!type || e.type === type) && (!q || e.aliases.some((a) => a.toLowerCase().includes(q))));
    return connection(hits.map((e) => entityObj(e.id)), args);
  },
  relations: (args) => connection([...relations.values()].map(relationObj), args),
  numbers: ({ unit, min, max, ...args }) => {
    const ms = mentions.filter((m) => {
      const e = entityDefs.find((x) => x.id === m.entity);
      return e.type === 'NUMBER' && (!unit || e.unit === unit) && (min == null || e.value >= min) && (max == null || e.value <= max);
    });
    return connection(ms.map((m) => {
      const e = entityDefs.find((x) => x.id === m.entity);
      const co = [...new Set(mentions.filter((o) => o.s === m.s && o.entity !== m.entity).map((o) => o.entity))];
      return { entity: () => entityObj(e.id), mention: mentionObj(m), value: e.value, unit: e.unit, qualifier: m.qualifier, cooccurring: () => co.map(entityObj) };
    }), args);
  },
  path: ({ from, to }) => {
    const r = relations.get(from < to ? `${from}~${to}` : `${to}~${from}`);
    return r ? [{ hops: [{ from: () => entityObj(from), to: () => entityObj(to), relation: relationObj(r) }] }] : [];
  },
  claims: (args) => connection([], args),
  conflicts: () => [],
  stats: () => ({ articles: articles.length, entities: entityDefs.length, mentions: mentions.length, relations: relations.size }),
};

// ---- HTTP ----

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.woff2': 'font/woff2' };
const pages = { '/': 'index.html', '/graphql': 'index.html', '/explore': 'explore.html' };

/** startMock serves on 127.0.0.1:port (0 picks one) and resolves to the server. */
export function startMock(port = 0) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/graphql' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      let params;
      try {
        params = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'the body is not JSON' }] }));
        return;
      }
      const result = await graphql({ schema, source: params.query, rootValue, variableValues: params.variables, operationName: params.operationName });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(result));
      return;
    }
    const file = pages[url.pathname] ?? normalize(url.pathname).replace(/^\/+/, '');
    const full = join(root, 'dist', file);
    if (!full.startsWith(join(root, 'dist')) || !existsSync(full) || !statSync(full).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(full)] ?? 'application/octet-stream' });
    res.end(readFileSync(full));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startMock(Number(process.argv[2] ?? 0));
  console.log(`mock newsgraph on http://127.0.0.1:${server.address().port}/`);
}

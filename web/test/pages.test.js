// Unit tests of the pages' logic that need no server or browser. The
// operations the pages send are valid against the GraphQL contract in
// schema/schema.graphql. This needs no server, so it catches drift between
// the pages and the contract even when the server is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { examples, pathEndsQuery, pathVariables } from '../src/examples.js';
import { operations } from '../src/explore-queries.js';
import { fixOperationName } from '../src/operation-name.js';
import { allPages, splitEvidence, codePointSlice } from '../src/api.js';

const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

function assertValid(name, query) {
  const errors = validate(schema, parse(query));
  assert.deepEqual(errors.map((e) => e.message), [], `${name} is not valid against schema.graphql`);
}

test('playground examples validate against schema.graphql', async (t) => {
  assert.ok(examples.length >= 4);
  for (const e of examples) {
    await t.test(e.name, () => {
      assertValid(e.name, e.query);
      assert.match(e.query, new RegExp(`query ${e.name}\\b`), 'the tab title comes from the operation name');
      if (e.variables) JSON.parse(e.variables);
    });
  }
  assertValid('PathEnds', pathEndsQuery);
});

test('explore page operations validate against schema.graphql', async (t) => {
  for (const [name, query] of Object.entries(operations)) {
    await t.test(name, () => assertValid(name, query));
  }
});

test('pathVariables', async (t) => {
  const conn = (id) => ({ edges: id ? [{ node: { id } }] : [] });
  const cases = [
    { name: 'both searches found', data: { a: conn('E1'), b: conn('E2'), person: conn('E3'), place: conn('E4') }, want: { from: 'E1', to: 'E2' } },
    { name: 'fallbacks', data: { a: conn(null), b: conn(null), person: conn('E3'), place: conn('E4') }, want: { from: 'E3', to: 'E4' } },
    { name: 'same entity twice', data: { a: conn('E1'), b: conn('E1'), person: conn('E3'), place: conn('E4') }, want: { from: 'E1', to: 'E4' } },
    { name: 'empty graph', data: { a: conn(null), b: conn(null), person: conn(null), place: conn(null) }, want: null },
    { name: 'no data', data: null, want: null },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(pathVariables(c.data), c.want));
  }
});

test('evidence offsets count code points', async (t) => {
  const cases = [
    { name: 'ascii', s: 'The mayor said so.', ss: 100, start: 104, end: 109, want: ['The ', 'mayor', ' said so.'] },
    { name: 'astral before the span', s: 'a😀 mayor', ss: 0, start: 3, end: 8, want: ['a😀 ', 'mayor', ''] },
    { name: 'clamped', s: 'short', ss: 10, start: 5, end: 99, want: ['', 'short', ''] },
    { name: 'reversed', s: 'abc', ss: 0, start: 2, end: 1, want: ['ab', '', 'c'] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(splitEvidence(c.s, c.ss, c.start, c.end), c.want));
  }
  assert.equal(codePointSlice('x😀y', 1, 2), '😀');
});

test('allPages', async (t) => {
  // pages of two items over [0..n)
  const source = (n) => {
    const calls = [];
    const fetchPage = async (after) => {
      calls.push(after);
      const from = after === null ? 0 : Number(after) + 1;
      const items = [];
      for (let i = from; i < Math.min(n, from + 2); i++) items.push(i);
      return {
        edges: items.map((i) => ({ cursor: String(i), node: i })),
        pageInfo: { hasNextPage: from + 2 < n, endCursor: items.length ? String(items.at(-1)) : null },
      };
    };
    return { calls, fetchPage };
  };
  await t.test('reads every page', async () => {
    const s = source(5);
    assert.deepEqual(await allPages(s.fetchPage), { nodes: [0, 1, 2, 3, 4], truncated: false });
    assert.deepEqual(s.calls, [null, '1', '3']);
  });
  await t.test('stops at maxPages', async () => {
    const s = source(9);
    assert.deepEqual(await allPages(s.fetchPage, { maxPages: 2 }), { nodes: [0, 1, 2, 3], truncated: true });
  });
  await t.test('stops when told', async () => {
    const s = source(9);
    const got = await allPages(s.fetchPage, { stop: (nodes) => nodes.includes(2) });
    assert.deepEqual(got, { nodes: [0, 1, 2, 3], truncated: true });
  });
  await t.test('empty', async () => {
    assert.deepEqual(await allPages(source(0).fetchPage), { nodes: [], truncated: false });
    assert.deepEqual(await allPages(async () => null), { nodes: [], truncated: false });
  });
});

test('fixOperationName', async (t) => {
  const cases = [
    { name: 'matching name kept', in: { query: 'query A { stats { articles } }', operationName: 'A' }, want: 'A' },
    { name: 'stale name replaced', in: { query: 'query B { stats { articles } }', operationName: 'A' }, want: 'B' },
    { name: 'stale name on anonymous dropped', in: { query: '{ stats { articles } }', operationName: 'A' }, want: undefined },
    { name: 'several operations left to the server', in: { query: 'query B { stats { articles } } query C { stats { entities } }', operationName: 'A' }, want: 'A' },
    { name: 'no name', in: { query: 'query B { stats { articles } }' }, want: undefined },
    { name: 'syntax error left to the server', in: { query: 'query B {', operationName: 'A' }, want: 'A' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = fixOperationName(c.in);
      assert.equal(got.operationName, c.want);
      assert.equal(got.query, c.in.query);
    });
  }
});

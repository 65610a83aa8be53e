// A small GraphQL client for the explore page: one POST to /graphql on the
// same origin per operation.

/** GraphQLError carries the errors a server returned for an operation. */
export class GraphQLError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLError';
    this.errors = errors;
    this.status = status;
  }
}

/**
 * gql runs one operation and resolves to its data. It rejects with a
 * GraphQLError when the server reports errors (even alongside partial
 * data), and with the fetch error when the server cannot be reached.
 */
export async function gql(query, variables = {}, { signal, endpoint = '/graphql' } = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      Accept: 'application/graphql-response+json, application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new GraphQLError([{ message: `HTTP ${res.status}: the response is not JSON` }], res.status);
  }
  if (body.errors?.length) throw new GraphQLError(body.errors, res.status);
  if (!res.ok || !body.data) throw new GraphQLError([], res.status);
  return body.data;
}

/**
 * allPages fetches a connection page by page. fetchPage(after) resolves to
 * the connection ({edges, pageInfo}); allPages stops after maxPages pages
 * or when stop(nodes so far) is true, and returns the nodes and whether
 * more pages were left unread.
 */
export async function allPages(fetchPage, { maxPages = 10, stop = () => false } = {}) {
  const nodes = [];
  let after = null;
  for (let i = 0; i < maxPages; i++) {
    const conn = await fetchPage(after);
    if (!conn) break;
    for (const e of conn.edges) nodes.push(e.node);
    if (!conn.pageInfo?.hasNextPage) return { nodes, truncated: false };
    if (stop(nodes)) return { nodes, truncated: true };
    after = conn.pageInfo.endCursor;
  }
  return { nodes, truncated: after !== null };
}

/**
 * codePointSlice returns the code points [start, end) of s; GraphQL offsets
 * in newsgraph count Unicode code points, not UTF-16 units.
 */
export function codePointSlice(s, start, end) {
  return Array.from(s).slice(start, end).join('');
}

/**
 * splitEvidence splits a sentence into the text before the evidence span,
 * the span, and the text after it. start and end are offsets into the
 * article, like sentenceStart; they are clamped into the sentence.
 */
export function splitEvidence(sentence, sentenceStart, start, end) {
  const cps = Array.from(sentence);
  const clamp = (n) => Math.max(0, Math.min(cps.length, n));
  const a = clamp(start - sentenceStart);
  const b = Math.max(a, clamp(end - sentenceStart));
  return [cps.slice(0, a).join(''), cps.slice(a, b).join(''), cps.slice(b).join('')];
}

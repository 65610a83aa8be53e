// The GraphQL-over-HTTP audits of the npm package graphql-http, run against
// the real server's /graphql: every MUST audit has to pass; the SHOULD and
// MAY audits that fail are printed, not failed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAudits } from 'graphql-http';
import { startServer } from './server.js';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test('GraphQL over HTTP audits', async (t) => {
  const audits = serverAudits({ url: `${server.base}/graphql` });
  assert.ok(audits.length > 0);
  const advisories = [];
  for (const audit of audits) {
    await t.test(audit.name, async () => {
      const result = await audit.fn();
      if (result.status === 'ok') return;
      const detail = `${audit.id} ${audit.name}: ${result.reason}`;
      if (audit.name.startsWith('MUST')) {
        let body = '';
        try {
          body = await result.response.text();
        } catch {
          // the body was already read by the audit
        }
        assert.fail(`${detail}\nstatus ${result.response.status}, body ${body.slice(0, 500)}`);
      }
      advisories.push(detail);
    });
  }
  if (advisories.length) {
    t.diagnostic(`${advisories.length} SHOULD/MAY audits fail:`);
    for (const a of advisories) t.diagnostic(a);
  }
});

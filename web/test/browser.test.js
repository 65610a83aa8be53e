// End-to-end browser test: the real newsgraph server with the seed
// articles, driven by the system's headless Chromium. It fails if a page
// sends any request off the loopback interface. Screenshots land in
// /tmp/newsgraph-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guardNetwork, launch, watchErrors } from './browser.js';
import { startServer } from './server.js';

let server;
let browser;
let offending;

before(async () => {
  server = await startServer();
  browser = await launch();
  offending = await guardNetwork(browser.context);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(offending ?? [], [], 'requests left the loopback interface');
});

test('the playground runs the example query', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.base}/`);
  assert.match(await page.title(), /playground/i);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
  // The variables editor holds the first example's variables.
  await page.waitForFunction(() => document.querySelector('.graphiql-editor-tool')?.textContent.includes('Surovikin'), null, { timeout: 15_000 });
  await page.click('.graphiql-execute-button');
  // Monaco draws spaces as no-break spaces and only the lines in view.
  const paneText = () => page.$eval('.graphiql-response', (e) => e.textContent.replace(/\u00a0/g, ' '));
  await page.waitForFunction(
    () => document.querySelector('.graphiql-response')?.textContent.replace(/\u00a0/g, ' ').includes('Surovikin'),
    null,
    { timeout: 30_000 },
  );
  const response = await paneText();
  assert.match(response, /"data"/);
  assert.doesNotMatch(response, /"errors"/);

  // The schema's docs come from introspection.
  await page.click('[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector('.graphiql-doc-explorer', { timeout: 15_000 });
  await page.waitForFunction(() => /Query/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''), null, { timeout: 15_000 });
  await page.screenshot({ path: '/tmp/newsgraph-playground.png' });

  // Every example is there as a tab.
  const tabs = await page.$$eval('.graphiql-tab', (els) => els.map((e) => e.textContent.trim()));
  for (const name of ['EntityWithSources', 'Neighbourhood', 'PathBetween', 'Numbers']) {
    assert.ok(tabs.some((t) => t.includes(name)), `no tab ${name} in ${JSON.stringify(tabs)}`);
  }

  // The other examples run too; the path example's variables were filled
  // with two real entity IDs at start-up. (Each marker is a key near the top
  // of its answer: Monaco renders only the lines in view.)
  for (const [tab, want] of [['PathBetween', '"hops"'], ['Neighbourhood', '"neighbors"'], ['Numbers', '"cooccurring"']]) {
    await page.locator('.graphiql-tab', { hasText: tab }).click();
    await page.waitForFunction((t) => document.querySelector('.graphiql-tab-active')?.textContent.includes(t), tab);
    await page.click('.graphiql-execute-button');
    try {
      await page.waitForFunction(
        (w) => document.querySelector('.graphiql-response')?.textContent.replace(/\u00a0/g, ' ').includes(w),
        want,
        { timeout: 30_000 },
      );
    } catch (err) {
      await page.screenshot({ path: `/tmp/newsgraph-playground-${tab}.png` });
      throw new Error(`${tab}: no ${want} in the response pane: ${(await paneText()).slice(0, 400)}`, { cause: err });
    }
    assert.doesNotMatch(await paneText(), /"errors"/, `${tab} answered with errors`);
  }

  // GraphiQL saves its tabs under the key the page checks for a first
  // visit; "Restore examples" clears them and reopens the examples.
  const saved = await page.evaluate(() => Object.keys(window.localStorage));
  assert.ok(saved.includes('graphiql:tabState'), `saved keys: ${saved}`);
  await page.click('.graphiql-tab-add');
  await page.waitForFunction((n) => document.querySelectorAll('.graphiql-tab').length === n + 1, tabs.length);
  await Promise.all([page.waitForEvent('load'), page.click('#reset-tabs')]);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
  const restored = await page.$$eval('.graphiql-tab', (els) => els.length);
  assert.equal(restored, tabs.length, 'Restore examples did not reopen exactly the example tabs');
  assert.deepEqual(errors, [], 'the playground logged errors');
  await page.close();
});

test('a browser GET of /graphql shows the playground', async () => {
  const page = await browser.context.newPage();
  const res = await page.goto(`${server.base}/graphql`);
  assert.equal(res.status(), 200);
  assert.match(await page.title(), /playground/i);
  await page.close();
});

test('the explore page draws a neighbourhood and its evidence', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.base}/explore`);
  await page.fill('#search', 'Kherson');
  await page.click('#search-form button[type=submit]');
  const result = page.locator('.result', { hasText: 'Kherson' }).first();
  await result.waitFor({ timeout: 15_000 });
  await result.click();
  await page.waitForFunction(() => Number(document.getElementById('graph').dataset.nodeCount) > 1, null, { timeout: 20_000 });
  const nodes = await page.evaluate(() => window.newsgraphExplore.cy.nodes().length);
  assert.ok(nodes > 1, `the graph has ${nodes} nodes`);
  await page.waitForSelector('#panel h2', { timeout: 15_000 });
  assert.match(await page.textContent('#panel h2'), /Kherson/);
  await page.waitForTimeout(800); // let the layout settle for the screenshot
  await page.screenshot({ path: '/tmp/newsgraph-explore.png' });

  // Tapping the heaviest edge shows the sentences behind it.
  await page.evaluate(() => {
    const { cy } = window.newsgraphExplore;
    const edge = cy.edges().max((e) => e.data('sentences')).ele;
    edge.select();
    edge.emit('tap');
  });
  await page.waitForSelector('#panel .relation blockquote mark', { timeout: 20_000 });
  await page.screenshot({ path: '/tmp/newsgraph-explore-evidence.png' });

  // Tapping a neighbour expands it.
  const before = nodes;
  await page.evaluate(() => {
    const { cy } = window.newsgraphExplore;
    const n = cy.nodes().filter((x) => !x.data('expanded')).max((x) => x.data('mentions')).ele;
    n.emit('tap');
  });
  await page.waitForFunction(() => window.newsgraphExplore.cy.nodes('[?expanded]').length >= 2, null, { timeout: 20_000 });
  const after = await page.evaluate(() => window.newsgraphExplore.cy.nodes().length);
  assert.ok(after >= before, `expanding lost nodes: ${before} -> ${after}`);
  assert.deepEqual(errors, [], 'the explore page logged errors');
  await page.close();
});

// Helpers for the browser tests: a headless Chromium from the system
// (Debian's chromium package) driven by playwright-core, with every request
// that leaves the loopback interface recorded as a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * launch starts Chromium with a fresh profile. It resolves to
 * {context, close}; close shuts the browser and removes the profile.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'newsgraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1400, height: 850 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** isLoopback reports whether a URL stays on this machine (or in the page). */
export function isLoopback(raw) {
  let u;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * guardNetwork aborts every request of the context that would leave the
 * loopback interface and returns the list it records them in, so that a
 * test can fail on it. Service workers and web workers are covered: route
 * applies to the whole context.
 */
export async function guardNetwork(context) {
  const offending = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    offending.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    if (!isLoopback(req.url()) && !offending.includes(req.url())) offending.push(req.url());
  });
  return offending;
}

/** watchErrors collects a page's uncaught errors and console errors. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

// Starts the real newsgraph server for the browser tests: builds
// ./cmd/newsgraph (with the pages embedded), loads the seed articles in
// ../data into a fresh database and serves it on a free loopback port.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const webDir = resolve(import.meta.dirname, '..');
export const repoDir = resolve(webDir, '..');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function step(what, file, args, opts) {
  try {
    return await run(file, args, { maxBuffer: 64 << 20, ...opts });
  } catch (err) {
    throw new Error(`${what} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/**
 * startServer resolves to {base, stop, log}: base is the server's URL
 * without a trailing slash, stop kills it and removes its files, log()
 * returns what it printed. It builds web/dist first when it is missing, as
 * the binary embeds it. Set NEWSGRAPH_BIN to test a binary built already.
 */
export async function startServer({ data = join(repoDir, 'data') } = {}) {
  if (!existsSync(join(repoDir, 'cmd', 'newsgraph'))) {
    throw new Error('cmd/newsgraph does not exist yet: the browser tests need the real server');
  }
  if (!existsSync(join(webDir, 'dist', 'index.html'))) {
    await step('npm run build', 'npm', ['run', 'build'], { cwd: webDir });
  }
  const dir = mkdtempSync(join(tmpdir(), 'newsgraph-web-test-'));
  const db = join(dir, 'db');
  // NEWSGRAPH_BIN names a binary built already (with the pages embedded);
  // otherwise the test builds one from the working tree.
  let bin = process.env.NEWSGRAPH_BIN;
  if (!bin) {
    bin = join(dir, 'newsgraph');
    await step('go build', 'go', ['build', '-o', bin, './cmd/newsgraph'], { cwd: repoDir });
  }
  await step('newsgraph load', bin, ['load', '--db', db, data], { cwd: repoDir, timeout: 300_000 });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve', '--db', db, '--addr', `127.0.0.1:${port}`], {
    cwd: repoDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = `exit ${code ?? signal}`; });

  const stop = async () => {
    if (exited === null) {
      const gone = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`newsgraph serve stopped (${exited}):\n${out}`);
    }
    try {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: '{ stats { articles } }' }),
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`newsgraph serve did not answer on ${base} within 60s:\n${out}`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return { base, stop, log: () => out };
}

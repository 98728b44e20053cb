/**
 * Builds the browser client with Vite, once per source tree, into
 * artifacts/e2e/client-dist/<hash of the sources>/, under a lock (a directory: mkdir is atomic),
 * so test files running in parallel build it once and a server never serves a folder being
 * rebuilt. Used by the end-to-end tests and `npm run bench:client`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts/e2e');
const DIST_ROOT = join(ARTIFACTS_DIR, 'client-dist');
/** What the client is built from: a change to any of these rebuilds it. */
const CLIENT_SOURCES = ['client/src', 'client/index.html', 'shared', 'vite.config.ts', 'package.json'];
const SOURCE_EXTENSIONS = /\.(ts|css|html|json|svg|png)$/;
/** A lock older than this is from a build that died. */
const STALE_LOCK_MS = 180_000;

/** Builds the client (or finds it built) and returns the folder to serve. */
export async function buildClient(): Promise<string> {
  const hash = hashClientSources();
  const outDir = join(DIST_ROOT, hash);
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  mkdirSync(DIST_ROOT, { recursive: true });
  const lock = `${outDir}.lock`;
  for (;;) {
    if (existsSync(join(outDir, 'index.html'))) return outDir;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - lockAgeStart(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (existsSync(join(outDir, 'index.html'))) return outDir;
    const tmpDir = `${outDir}.tmp-${process.pid}`;
    const { build } = await import('vite');
    await build({
      configFile: join(REPO_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmpDir, emptyOutDir: true },
    });
    renameSync(tmpDir, outDir);
    pruneOldBuilds(hash);
    return outDir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockAgeStart(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** sha256 of every client source file's path and content. */
function hashClientSources(): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') walk(join(path, entry));
    } else if (SOURCE_EXTENSIONS.test(path) && !path.endsWith('.test.ts')) {
      hash.update(relative(REPO_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const source of CLIENT_SOURCES) walk(join(REPO_ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

/** Removes builds of older source trees that nobody has touched for an hour. */
function pruneOldBuilds(keep: string): void {
  const cutoff = Date.now() - 3_600_000;
  for (const entry of readdirSync(DIST_ROOT)) {
    if (entry === keep || entry.endsWith('.lock')) continue;
    const path = join(DIST_ROOT, entry);
    if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
  }
}

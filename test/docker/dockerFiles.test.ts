/**
 * Static checks of docker/Dockerfile, docker/compose.yaml and .dockerignore. No Docker engine runs
 * on the development machines, so these catch what a build would: COPY sources that are missing
 * from the repository or excluded from the build context, and a compose file that does not match
 * the server's configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseServerConfig } from '../../server/config.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined) grouped by FROM. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  if (current.trim() !== '') logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (match === null) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2];
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (from === null) throw new Error(`bad FROM: ${line}`);
      stages.push({ base: from[1], name: from[2], instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (keyword === 'ARG') continue;
      throw new Error(`instruction before FROM: ${line}`);
    }
    stages[stages.length - 1].instructions.push({ keyword, args });
  }
  return stages;
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly dest: string;
}

/** COPY/ADD arguments: `--flag=value` options, then sources and destination (shell or JSON form). */
function parseCopy(args: string): Copy {
  let rest = args.trim();
  let from: string | undefined;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (flag === null) break;
    if (flag[1] === 'from') from = flag[2];
    rest = rest.slice(flag[0].length);
  }
  const parts: string[] = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { from, sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

interface IgnoreRule {
  readonly negate: boolean;
  readonly regex: RegExp;
}

/** .dockerignore rules: patterns relative to the context root, Go filepath.Match plus `**`. */
function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = line.replace(/^\/+/, '').replace(/\/+$/, '');
    let source = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === '*' && line[i + 1] === '*') {
        // `**/` matches any number of directories, zero included.
        if (line[i + 2] === '/') {
          source += '(?:.*/)?';
          i += 2;
        } else {
          source += '.*';
          i += 1;
        }
      } else if (c === '*') source += '[^/]*';
      else if (c === '?') source += '[^/]';
      else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    rules.push({ negate, regex: new RegExp(`^${source}$`) });
  }
  return rules;
}

/** Whether `path` (relative to the context) is left out: it or a folder above it matches, last rule wins. */
function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  if (clean === '' || clean === '.') return false;
  const segments = clean.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.regex.test(p))) ignored = !rule.negate;
  }
  return ignored;
}

const stages = parseDockerfile(read('docker/Dockerfile'));
const ignoreRules = parseDockerignore(read('.dockerignore'));
const runtime = stages[stages.length - 1];

describe('docker/Dockerfile', () => {
  it('has a build stage and a runtime stage on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.base).toBe('node:20-bookworm-slim');
  });

  it('copies from the build context only paths that exist and are not in .dockerignore', () => {
    const contextSources = stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
        .map((i) => parseCopy(i.args))
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    expect(contextSources.length).toBeGreaterThan(0);
    for (const source of contextSources) {
      if (/[*?[]/.test(source)) continue; // globs aside
      expect(existsSync(resolve(ROOT, source)), `${source} exists`).toBe(true);
      expect(isIgnored(ignoreRules, source), `${source} is not in .dockerignore`).toBe(false);
    }
  });

  it('copies from stages that exist', () => {
    const names = new Set(stages.map((s) => s.name).filter((n) => n !== undefined));
    for (const stage of stages) {
      for (const i of stage.instructions.filter((x) => x.keyword === 'COPY')) {
        const { from } = parseCopy(i.args);
        if (from !== undefined) expect(names.has(from), `stage ${from}`).toBe(true);
      }
    }
  });

  it('runs the server as a non-root user with a health check on port 3000', () => {
    const last = (keyword: string): string | undefined =>
      runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    const user = last('USER');
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user!.trim());
    expect(user!.split(':')[0]).not.toBe('root');
    expect(last('HEALTHCHECK')).toMatch(/\/healthz/);
    expect(last('HEALTHCHECK')).not.toMatch(/^NONE$/i);
    const exposed = runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed.map((p) => p.replace(/\/tcp$/, ''))).toContain('3000');
    expect(last('CMD')).toBeDefined();
  });
});

describe('.dockerignore', () => {
  it('leaves out local state and keeps what the server reads at run time', () => {
    for (const path of ['node_modules', 'server/db/generated/client.ts', '.git', 'data', 'foo/bar.log']) {
      expect(isIgnored(ignoreRules, path), `${path} is ignored`).toBe(true);
    }
    for (const path of [
      'server/main.ts',
      'shared/sim',
      'prisma/schema.prisma',
      'prisma/migrations',
      'agents/seed',
      'package-lock.json',
    ]) {
      expect(isIgnored(ignoreRules, path), `${path} is kept`).toBe(false);
    }
  });
});

interface ComposeService {
  readonly healthcheck?: { readonly test?: unknown };
  readonly depends_on?: Record<string, { readonly condition?: string }> | string[];
  readonly environment?: Record<string, unknown> | string[];
  readonly build?: { readonly context?: string; readonly dockerfile?: string };
  readonly ports?: unknown[];
}

const compose = parseYaml(read('docker/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };

/** The variable names of envSchema in server/config.ts, read from the file's text. */
function configEnvKeys(): Set<string> {
  const text = read('server/config.ts');
  const start = text.indexOf('const envSchema = z.object({');
  expect(start).toBeGreaterThanOrEqual(0);
  const body = text.slice(start, text.indexOf('\n});', start));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]));
}

describe('docker/compose.yaml', () => {
  it('has arena, postgres and redis, each with a health check', () => {
    for (const name of ['arena', 'postgres', 'redis']) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
  });

  it('builds the arena from the repository with docker/Dockerfile', () => {
    const { build } = compose.services.arena;
    expect(build?.context).toBe('..');
    expect(build?.dockerfile).toBe('docker/Dockerfile');
    expect(existsSync(resolve(ROOT, 'docker', build!.context!, build!.dockerfile!))).toBe(true);
  });

  it('starts the arena once postgres and redis are healthy', () => {
    const dependsOn = compose.services.arena.depends_on;
    expect(dependsOn).toBeDefined();
    expect(Array.isArray(dependsOn)).toBe(false);
    const deps = dependsOn as Record<string, { condition?: string }>;
    expect(deps.postgres?.condition).toBe('service_healthy');
    expect(deps.redis?.condition).toBe('service_healthy');
  });

  it('sets only variables server/config.ts reads, and values it accepts', () => {
    const keys = configEnvKeys();
    expect(keys.has('DATABASE_URL')).toBe(true);
    for (const service of ['arena', 'worker']) {
      const env = compose.services[service].environment ?? {};
      expect(Array.isArray(env)).toBe(false);
      const values = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
      expect(Object.keys(values)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'ROLE']));
      for (const name of Object.keys(values)) expect(keys.has(name), `${name} is read by server/config.ts`).toBe(true);
      expect(() => parseServerConfig(values), service).not.toThrow();
    }
    expect(compose.services.arena.environment).toMatchObject({ ROLE: 'web' });
    expect(compose.services.worker.environment).toMatchObject({ ROLE: 'worker' });
  });

  it('runs race workers from the arena image, with a readiness check and after the database and Redis', () => {
    const worker = compose.services.worker as ComposeService & { image?: string };
    expect(worker.image).toBe((compose.services.arena as { image?: string }).image);
    expect(worker.healthcheck?.test).toBeDefined();
    const deps = worker.depends_on as Record<string, { condition?: string }>;
    expect(deps.postgres?.condition).toBe('service_healthy');
    expect(deps.redis?.condition).toBe('service_healthy');
  });
});

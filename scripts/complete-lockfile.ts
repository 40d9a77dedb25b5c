// `npm run lock`: after `npm install`, lists in package-lock.json the platform builds of optional
// dependencies (DuckDB bindings, Biome, esbuild for other systems) that the package registry reachable from
// our machines does not serve. Without them `npm ci` refuses the lock file as incomplete; with them it skips
// the builds for other platforms, as it does on any machine, and installs the one for its own.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];
const LIBC: Record<string, string> = { musl: 'musl', gnu: 'glibc', gnueabihf: 'glibc', musleabihf: 'musl' };

type Entry = Record<string, unknown> & { optionalDependencies?: Record<string, string> };

function platformOf(name: string): { os: string[]; cpu: string[]; libc?: string[] } | undefined {
  const tokens = (name.split('/').pop() ?? name).split('-');
  const os = tokens.find((t) => OS.includes(t)) ?? (tokens.includes('win') ? 'win32' : undefined);
  const cpu = tokens.find((t) => CPU.includes(t));
  if (!os || !cpu) return undefined;
  const libc = tokens.map((t) => LIBC[t]).find(Boolean);
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8')) as { packages: Record<string, Entry> };
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key === '' ? '' : `${key}/`;
    const nested = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.warn(
        `left alone: ${dep} (optional dependency of ${key || 'the project'}; no platform in its name)`,
      );
      continue;
    }
    lock.packages[hoisted] = { version, ...platform, optional: true, ...(entry.dev ? { dev: true } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: listed ${added} platform builds the registry here does not serve`);

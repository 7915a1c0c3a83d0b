#!/usr/bin/env node
// `npm run lock:complete`: puts other platforms' optional binaries back into package-lock.json.
//
// Why: the registry mirror reachable here answers 404 for most other-platform binaries
// (@swc/core-darwin-arm64, @turbo/windows-64, @unrs/resolver-binding-freebsd-x64, ...) at the versions the
// lock needs, so `npm install` leaves them out of package-lock.json. `npm ci` then finds the packages'
// optionalDependencies unresolved, tries to resolve them itself and rejects the lock file as out of sync
// ("Missing: @swc/core-darwin-arm64@ from lock file").
//
// What: for every `optionalDependencies` entry of every package in the lock whose name npm cannot resolve
// (no `node_modules/<name>` entry on the lookup path npm walks up from the dependant), this adds
//   { "version": <the exact version asked for>, "optional": true, "os": [...], "cpu": [...], "libc"?: [...] }
// with os/cpu/libc read from the package name. npm then treats the dependency as resolved by the lock and,
// as os/cpu/libc do not match this machine, skips it without fetching it. Entries for this platform are
// never touched: they are already in the lock with their integrity.
//
// Run it after every `npm install` that rewrites the lock file: `npm install && npm run lock:complete`.
// It is idempotent. Exit code 1 when some missing optional dependency could not be completed (its platform
// cannot be read from its name, or its version is not an exact version); the rest is still written.
//
// Usage: node infra/scripts/complete-lockfile.mjs [path/to/package-lock.json] [--check]
//   --check   change nothing; exit 1 if entries would be added (or could not be completed)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const check = args.includes('--check');
const fileArg = args.find((a) => !a.startsWith('--'));
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const lockPath = fileArg ? resolve(fileArg) : join(root, 'package-lock.json');

// name token -> npm `os` values (the @turbo/linux-* binaries declare android too, but linux is enough here)
const OS = {
  __proto__: null,
  darwin: ['darwin'],
  macos: ['darwin'],
  mac: ['darwin'],
  osx: ['darwin'],
  linux: ['linux'],
  win32: ['win32'],
  windows: ['win32'],
  win: ['win32'],
  freebsd: ['freebsd'],
  openbsd: ['openbsd'],
  netbsd: ['netbsd'],
  sunos: ['sunos'],
  aix: ['aix'],
  android: ['android'],
  openharmony: ['openharmony'],
};
// name token -> npm `cpu` values (`64` is turbo's spelling of x64)
const CPU = {
  __proto__: null,
  x64: ['x64'],
  64: ['x64'],
  amd64: ['x64'],
  x86_64: ['x64'],
  arm64: ['arm64'],
  aarch64: ['arm64'],
  ia32: ['ia32'],
  x86: ['ia32'],
  arm: ['arm'],
  armv7: ['arm'],
  ppc64: ['ppc64'],
  ppc64le: ['ppc64'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
  loong64: ['loong64'],
  mips64el: ['mips64el'],
};

/** os/cpu/libc of a platform binary package, from its name; null when the name does not say. */
function platformOf(name) {
  const tokens = name
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .split(/[-.]/);
  let os;
  let cpu;
  let libc;
  for (const t of tokens) {
    if (!os && OS[t]) os = OS[t];
    else if (!cpu && CPU[t]) cpu = CPU[t];
    else if (/^gnu/.test(t)) libc = ['glibc'];
    else if (/^musl/.test(t)) libc = ['musl'];
  }
  if (!os || !cpu) return null;
  return libc && os.includes('linux') ? { os, cpu, libc } : { os, cpu };
}

/** The version an optionalDependencies spec pins, or null unless it names one exact version. */
function exactVersion(spec) {
  const m = /^=?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(String(spec).trim());
  return m ? m[1] : null;
}

/** The folder npm resolves a dependant's dependencies from, one level up ('' is the root project). */
function parentLocation(location) {
  const m = /^(.*?)\/?node_modules\/(?:@[^/]+\/)?[^/]+$/.exec(location);
  if (m) return m[1];
  return location === '' ? null : ''; // a workspace folder (apps/x) resolves up to the root
}

/** npm's lookup path for `name` required by the package at `location`: nearest first. */
function lookupPath(location, name) {
  const out = [];
  for (let at = location; at !== null; at = parentLocation(at)) {
    out.push(`${at ? `${at}/` : ''}node_modules/${name}`);
  }
  return out;
}

// npm sorts the lock's `packages` keys with a locale-aware compare (@isaacs/string-locale-compare, 'en')
const collator = new Intl.Collator('en');

function complete(lock) {
  const packages = lock.packages;
  if (!packages || typeof packages !== 'object') {
    throw new Error(`${lockPath}: no "packages" section (lockfileVersion ${lock.lockfileVersion})`);
  }
  const added = [];
  const problems = [];
  // work on the entries as they are now, so that added entries are not scanned themselves
  for (const [location, entry] of Object.entries(packages)) {
    const optional = entry.optionalDependencies;
    if (!optional || entry.link) continue;
    for (const [name, spec] of Object.entries(optional)) {
      const path = lookupPath(location, name);
      const found = path.find((p) => packages[p]);
      const version = exactVersion(spec);
      let target = path[path.length - 1]; // hoisted to the top level, like npm does
      if (found) {
        const have = packages[found];
        // resolved by a real (downloaded) entry, or by a placeholder for the same version
        if (have.integrity || have.resolved || have.link || have.version === version) continue;
        // a placeholder for another version: added just now for another dependant -> nest this one under its
        // dependant; left over from an earlier run (the dependant was upgraded since) -> replace it
        target = added.some((a) => a.location === found) ? path[0] : found;
      }
      if (!version) {
        problems.push(`${name}@${spec} (for ${location || 'the root'}): not an exact version`);
        continue;
      }
      const platform = platformOf(name);
      if (!platform) {
        problems.push(`${name}@${spec} (for ${location || 'the root'}): platform not readable from the name`);
        continue;
      }
      // flags as npm computes them: an optional dependency of a dev-only package is dev too
      const flags = {};
      if (entry.dev) flags.dev = true;
      if (entry.peer) flags.peer = true;
      packages[target] = sortKeys({ version, ...platform, ...flags, optional: true });
      added.push({ location: target, name, version });
    }
  }
  if (added.length) {
    const [rootKey, ...rest] = Object.keys(packages);
    const sorted = {};
    for (const k of [rootKey, ...rest.sort(collator.compare)]) sorted[k] = packages[k];
    lock.packages = sorted;
  }
  return { added, problems };
}

/** version first, the rest alphabetically, like the entries npm writes. */
function sortKeys(entry) {
  const { version, ...rest } = entry;
  return {
    version,
    ...Object.fromEntries(
      Object.keys(rest)
        .sort()
        .map((k) => [k, rest[k]]),
    ),
  };
}

const text = readFileSync(lockPath, 'utf8');
const lock = JSON.parse(text);
const { added, problems } = complete(lock);

for (const a of added) console.log(`${check ? 'missing' : 'added'}: ${a.location} (${a.version})`);
for (const p of problems) console.error(`lock:complete: cannot complete ${p}`);
if (!check && added.length) {
  const indent = /^\{\r?\n([ \t]+)/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  writeFileSync(lockPath, JSON.stringify(lock, null, indent).replaceAll('\n', eol) + eol);
}
console.log(
  `lock:complete: ${added.length} ${check ? 'entries missing' : 'entries added'}` +
    (problems.length ? `, ${problems.length} not completed` : '') +
    ` (${lockPath})`,
);
process.exitCode = problems.length || (check && added.length) ? 1 : 0;

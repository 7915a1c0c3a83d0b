#!/usr/bin/env node
// `npm test`: makes sure PostgreSQL and NATS run, builds everything, then runs jest once per project of the
// root config: unit (2 workers), integration (2 workers), then e2e (in band). Extra arguments go to every run:
//   npm test -- packages/messaging        only tests whose path matches
//   npm test -- -t 'routes a lead'        only tests whose name matches
// Every project must find tests: a project without any fails the run, unless a path filter was given (then
// only the filter as a whole must match some test file).
// The line before the last reads `tests: K skipped, T todo`; the very last line printed is
// `tests: N passed, M failed` (suites that fail to run count as failed tests). Exit code is non-zero if
// anything failed, the build failed or jest crashed.
//
// Environment: TEST_SKIP_BUILD=1 skips the turbo build; TEST_SKIP_E2E=1 skips the e2e run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// turbo's one-time telemetry notice is noise in logs and CI
process.env.TURBO_TELEMETRY_DISABLED ??= '1';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, '.test-results');
const extraArgs = process.argv.slice(2);

let passed = 0;
let failed = 0;
let skipped = 0;
let todo = 0;
let suitesFound = 0;
let exitCode = 0;
const problems = [];
let activeChild;

function finish() {
  if (failed > 0 || problems.length > 0) exitCode = exitCode || 1;
  // a failing run must never read "0 failed"
  if (exitCode !== 0 && failed === 0) failed = 1;
  for (const p of problems) process.stdout.write(`test: ${p}\n`);
  process.stdout.write(`tests: ${skipped} skipped, ${todo} todo\n`);
  process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
  process.exit(exitCode);
}

function onSignal(signal) {
  problems.push(`interrupted (${signal})`);
  exitCode = 130;
  if (activeChild) activeChild.kill(signal);
  finish();
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

/** Runs a command with inherited stdio; resolves with its exit code (signals count as 1). */
function run(cmd, args) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
    activeChild = child;
    child.on('error', (err) => {
      process.stderr.write(`test: could not run ${cmd}: ${err.message}\n`);
      activeChild = undefined;
      resolveRun(127);
    });
    child.on('exit', (code, signal) => {
      activeChild = undefined;
      resolveRun(code ?? (signal ? 1 : 0));
    });
  });
}

/** Adds the results of one jest run (its --json output file) to the totals. */
function collect(label, file, code) {
  if (!existsSync(file)) {
    problems.push(`${label}: jest crashed (exit ${code}, no results written)`);
    failed += 1;
    return;
  }
  let results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${label}: unreadable results ${file}: ${err.message}`);
    failed += 1;
    return;
  }
  passed += results.numPassedTests ?? 0;
  skipped += results.numPendingTests ?? 0;
  todo += results.numTodoTests ?? 0;
  suitesFound += results.numTotalTestSuites ?? 0;
  if (!results.numTotalTestSuites && !pathFiltered) {
    problems.push(`${label}: no tests found (every project must have tests)`);
    failed += 1;
    return;
  }
  let runFailed = results.numFailedTests ?? 0;
  // Suites that failed without a failing test: failed to run (syntax/import error, missing build),
  // or a beforeAll/afterAll hook failed. Each counts as one failed test.
  let brokenSuites = 0;
  if (Array.isArray(results.testResults)) {
    for (const suite of results.testResults) {
      const assertions = suite.assertionResults ?? [];
      if (suite.status === 'failed' && !assertions.some((a) => a.status === 'failed')) brokenSuites += 1;
    }
  } else {
    brokenSuites = results.numRuntimeErrorTestSuites ?? 0;
  }
  runFailed += brokenSuites;
  if (brokenSuites)
    problems.push(`${label}: ${brokenSuites} test suite(s) failed to run or failed in a hook`);
  if (code !== 0 && runFailed === 0) {
    problems.push(`${label}: jest exited with ${code} although no test failed`);
    runFailed = 1;
  }
  failed += runFailed;
  if (code !== 0) exitCode = exitCode || code;
}

/** Jest options whose value is the next argument; those marked variadic take every following non-option. */
const OPTIONS_WITH_VALUES = new Map([
  ['-t', 'one'],
  ['--testNamePattern', 'one'],
  ['-c', 'one'],
  ['--config', 'one'],
  ['-w', 'one'],
  ['--maxWorkers', 'one'],
  ['--testTimeout', 'one'],
  ['--seed', 'one'],
  ['--shard', 'one'],
  ['--outputFile', 'one'],
  ['--reporters', 'variadic'],
  ['--selectProjects', 'variadic'],
  ['--ignoreProjects', 'variadic'],
  ['--testPathIgnorePatterns', 'variadic'],
]);
const PATH_OPTIONS = ['--testPathPatterns', '--testPathPattern', '--findRelatedTests', '--runTestsByPath'];

/** True if the arguments restrict which test files run (a bare word, or a path option). */
function hasPathFilter(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (PATH_OPTIONS.some((option) => arg === option || arg.startsWith(`${option}=`))) return true;
    if (!arg.startsWith('-')) return true;
    const takes = arg.includes('=') ? undefined : OPTIONS_WITH_VALUES.get(arg);
    if (takes === 'one') i++;
    if (takes === 'variadic') while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
  }
  return false;
}
const pathFiltered = hasPathFilter(extraArgs);

/** Runs jest for one project; its results end up in .test-results/<label>.json. */
async function jest(label, projectArgs) {
  // Written under a name of this run first: another `npm test` in the same checkout must not swap results.
  const file = join(RESULTS_DIR, `${label}.${process.pid}.json`);
  rmSync(file, { force: true });
  // User arguments first: --selectProjects takes every following non-option word as a project name.
  // --passWithNoTests: without it, jest 30 exits on "No tests found" before it has written --outputFile (when
  // stdout is a pipe, as under `npm test | tee`), which would read as a crash. collect() enforces instead that
  // a project finds tests, unless a path filter was given.
  // --forceExit: a test that leaks a connection must not hang the run (jest still names the problem).
  const args = [
    'jest',
    ...extraArgs,
    '--passWithNoTests',
    '--forceExit',
    '--json',
    `--outputFile=${file}`,
    ...projectArgs,
  ];
  const code = await run('npx', args);
  collect(label, file, code);
  if (existsSync(file)) renameSync(file, join(RESULTS_DIR, `${label}.json`));
}

async function main() {
  const deps = spawnSync('bash', [join(ROOT, 'infra/scripts/ensure-deps.sh')], { stdio: 'inherit' });
  if (deps.status !== 0) {
    problems.push('PostgreSQL/NATS are not available (infra/scripts/ensure-deps.sh failed)');
    exitCode = 1;
    return finish();
  }

  if (!process.env.TEST_SKIP_BUILD) {
    const code = await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
    if (code !== 0) {
      problems.push(`build failed (npx turbo run build exited with ${code}); tests not run`);
      exitCode = code;
      return finish();
    }
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  // One run per project, so each one has to find its tests.
  await jest('unit', ['--maxWorkers=2', '--selectProjects', 'unit']);
  await jest('integration', ['--maxWorkers=2', '--selectProjects', 'integration']);
  if (!process.env.TEST_SKIP_E2E) await jest('e2e', ['--runInBand', '--selectProjects', 'e2e']);
  if (pathFiltered && suitesFound === 0) {
    problems.push(`no test file matches ${extraArgs.join(' ')}`);
    failed += 1;
  }
  finish();
}

main().catch((err) => {
  problems.push(`test runner failed: ${err?.stack ?? err}`);
  exitCode = 1;
  finish();
});

// Per-project default test timeout. Jest reads `testTimeout` only from the global config (a value in a
// project entry is ignored), so each project sets `globals.__TEST_TIMEOUT_MS__` and this file applies it.
// A test can still pass its own timeout as the third argument of `it`.
const ms = Number(globalThis.__TEST_TIMEOUT_MS__);
if (Number.isFinite(ms) && ms > 0) jest.setTimeout(ms);

import type { FailureMode } from './fake-slack.types';

interface ActiveMode<M> {
  mode: M;
  /** Requests left before the mode heals itself; undefined = unlimited. */
  remaining: number | undefined;
}

/**
 * Holds the switched-on failure modes: at most one per path plus one global.
 * Generic over the mode type so other fakes (Cituro) share it.
 * A later `set` for the same scope replaces the earlier one, and a path-scoped mode wins over the global one.
 */
export class FailureModes<M extends { times?: number } = FailureMode> {
  private readonly byPath = new Map<string, ActiveMode<M>>();
  private global: ActiveMode<M> | undefined;

  set(mode: M, path?: string): void {
    if (mode.times !== undefined && (!Number.isInteger(mode.times) || mode.times < 1)) {
      throw new Error(`FailureMode.times must be a positive integer, got ${mode.times}`);
    }
    const active: ActiveMode<M> = { mode, remaining: mode.times };
    if (path === undefined) this.global = active;
    else this.byPath.set(path, active);
  }

  /** Clears the mode for one path, or every mode when no path is given. */
  clear(path?: string): void {
    if (path === undefined) {
      this.byPath.clear();
      this.global = undefined;
    } else {
      this.byPath.delete(path);
    }
  }

  /**
   * Returns the mode that applies to this request and counts the request against its `times`; with
   * `includeGlobal` false, only a mode scoped to `path`.
   */
  take(path: string, includeGlobal = true): M | undefined {
    const scoped = this.byPath.get(path);
    if (scoped) {
      if (this.consume(scoped)) this.byPath.delete(path);
      return scoped.mode;
    }
    if (!includeGlobal) return undefined;
    const global = this.global;
    if (global) {
      if (this.consume(global)) this.global = undefined;
      return global.mode;
    }
    return undefined;
  }

  /** Decrements the counter; true when the mode is used up. */
  private consume(active: ActiveMode<M>): boolean {
    if (active.remaining === undefined) return false;
    active.remaining -= 1;
    return active.remaining <= 0;
  }
}

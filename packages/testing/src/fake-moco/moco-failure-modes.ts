import type { MocoFailOptions, MocoFailureMode } from './fake-moco.types';

interface ActiveMode {
  mode: MocoFailureMode;
  scope: MocoFailOptions;
  /** Requests left before the mode heals itself; undefined = unlimited. */
  remaining: number | undefined;
}

/** The switched-on failure modes. The most specific matching scope wins (method+path, path, global). */
export class MocoFailureModes {
  private active: ActiveMode[] = [];

  set(mode: MocoFailureMode, scope: MocoFailOptions): void {
    if (mode.times !== undefined && (!Number.isInteger(mode.times) || mode.times < 1)) {
      throw new Error(`MocoFailureMode.times must be a positive integer, got ${mode.times}`);
    }
    this.active = this.active.filter((a) => !sameScope(a.scope, scope));
    this.active.push({ mode, scope, remaining: mode.times });
  }

  clear(scope?: MocoFailOptions): void {
    this.active = scope ? this.active.filter((a) => !sameScope(a.scope, scope)) : [];
  }

  /** The mode that applies to this request, counted against its `times`. */
  take(method: string, path: string): MocoFailureMode | undefined {
    const matching = this.active
      .filter((a) => (a.scope.path ?? path) === path && (a.scope.method ?? method).toUpperCase() === method)
      .sort((a, b) => specificity(b.scope) - specificity(a.scope));
    const chosen = matching[0];
    if (!chosen) return undefined;
    if (chosen.remaining !== undefined && --chosen.remaining <= 0) {
      this.active = this.active.filter((a) => a !== chosen);
    }
    return chosen.mode;
  }
}

function specificity(scope: MocoFailOptions): number {
  return (scope.path ? 2 : 0) + (scope.method ? 1 : 0);
}

function sameScope(a: MocoFailOptions, b: MocoFailOptions): boolean {
  return a.path === b.path && a.method?.toUpperCase() === b.method?.toUpperCase();
}

/**
 * Applies functions' environment variables to `process.env` while they run.
 *
 * Real Lambda gives every function its own process. The local platform runs all functions (and the Azure app)
 * in one process, so a function's variables are laid over `process.env` for the duration of each invocation,
 * and only where `process.env` does not already define them: what the developer exported in the shell (or the
 * platform set) wins, so a local override is never silently replaced by a template value. Overlapping
 * invocations share a variable when they agree on its value; the variable is removed when the last of them ends.
 * A variable two running functions disagree on keeps the first one's value (the process has only one).
 */
export class EnvOverlay {
  private readonly applied = new Map<string, { value: string; holders: number }>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Applies `variables`; returns the function that undoes this application. */
  enter(variables: Readonly<Record<string, string>>): () => void {
    const held: string[] = [];
    for (const [key, value] of Object.entries(variables)) {
      const mine = this.applied.get(key);
      if (mine) {
        if (mine.value === value && this.env[key] === value) {
          mine.holders++;
          held.push(key);
        }
      } else if (this.env[key] === undefined) {
        this.env[key] = value;
        this.applied.set(key, { value, holders: 1 });
        held.push(key);
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of held) {
        const mine = this.applied.get(key)!;
        if (--mine.holders > 0) continue;
        this.applied.delete(key);
        // Someone may have changed the variable meanwhile; only take back what is still ours.
        if (this.env[key] === mine.value) delete this.env[key];
      }
    };
  }
}

/** A stack of clean-up steps, run last-in first-out, each at most once, even after an error. */
export class Cleanup {
  #steps: Array<{ label: string; fn: () => Promise<void> | void }> = [];

  defer(label: string, fn: () => Promise<void> | void): void {
    this.#steps.push({ label, fn });
  }

  /** Runs every step; a failing step is reported and the others still run. Bounded by `timeoutMs` each. */
  async runAll(timeoutMs = 15_000): Promise<string[]> {
    const problems: string[] = [];
    while (this.#steps.length) {
      const step = this.#steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.fn),
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); }),
        ]);
      } catch (e) {
        problems.push(`clean-up "${step.label}" failed: ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return problems;
  }
}

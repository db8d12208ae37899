// One worker question as page state: loading, answered, or failed, with "latest wins" (an answer to
// an older question is dropped). Pages create one per panel and call run() from an $effect.
export type AskState<T> = { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'error'; message: string };

export class Ask<T> {
  state = $state.raw<AskState<T>>({ status: 'idle' });
  #gen = 0;

  /** Start a question; `null` from the worker means "superseded or nothing loaded" and leaves the state loading. */
  run(question: () => Promise<T | null>): void {
    const gen = ++this.#gen;
    this.state = { status: 'loading' };
    question().then(
      (value) => {
        if (gen !== this.#gen || value === null) return;
        this.state = { status: 'done', value };
      },
      (e: unknown) => {
        if (gen !== this.#gen) return;
        this.state = { status: 'error', message: e instanceof Error ? e.message : String(e) };
      }
    );
  }

  get value(): T | null {
    return this.state.status === 'done' ? this.state.value : null;
  }
}

import { signal } from '@angular/core';
import { apiErrorMessage } from '../core/api-error';

/**
 * A value loaded from the API, as signals: `value`, `loading`, `error` (the API's message). `load()` keeps the old
 * value while reloading, so polling does not flash; a load started later wins over an earlier one still running.
 */
export class Loadable<T> {
  readonly value = signal<T | undefined>(undefined);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** The raw error, for status checks (e.g. 403). */
  readonly failure = signal<unknown>(null);
  private seq = 0;

  constructor(private readonly fetcher: () => Promise<T>) {}

  async load(): Promise<T | undefined> {
    const seq = ++this.seq;
    this.loading.set(true);
    try {
      const value = await this.fetcher();
      if (seq === this.seq) {
        this.value.set(value);
        this.error.set(null);
        this.failure.set(null);
      }
      return value;
    } catch (err) {
      if (seq === this.seq) {
        this.error.set(apiErrorMessage(err));
        this.failure.set(err);
      }
      return undefined;
    } finally {
      if (seq === this.seq) this.loading.set(false);
    }
  }

  /** Change the value in place (a live event, an optimistic update). */
  update(fn: (value: T | undefined) => T): void {
    this.value.set(fn(this.value()));
  }
}

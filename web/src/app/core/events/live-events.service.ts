import { Injectable, effect, inject, signal } from '@angular/core';
import { Observable, Subject, filter, map } from 'rxjs';
import { SessionService } from '../auth/session.service';
import { SseParser, backoffDelay } from './sse-parser';

export const EVENTS_URL = '/api/v1/events/stream';

/** The server's event kinds (src/factoryai/api/live_events.py); each role receives only those it may read. */
export type LiveEventKind =
  | 'punch'
  | 'absences'
  | 'gate_decision'
  | 'gate_open'
  | 'vehicle_alert'
  | 'occupancy'
  | 'occupancy_reset'
  | 'occupancy_alert';

export interface LiveEvent<T = Record<string, unknown>> {
  kind: string;
  data: T;
}

/** off: not started; open: streaming; retrying: lost, reconnecting; unavailable: the server has no stream (poll). */
export type LiveState = 'off' | 'connecting' | 'open' | 'retrying' | 'unavailable';

/** How long to wait before asking again when the server has no event stream (404). */
const UNAVAILABLE_RETRY_MS = 5 * 60 * 1000;

/**
 * The server's live events (GET /api/v1/events/stream, text/event-stream). EventSource cannot send the bearer
 * header, so this reads the stream with fetch and parses it itself; it reconnects with backoff, stops when the
 * user logs out, and a 401 ends the session. Consumers poll while `state()` is not 'open'.
 */
@Injectable({ providedIn: 'root' })
export class LiveEventsService {
  private readonly session = inject(SessionService);
  private readonly subject = new Subject<LiveEvent>();
  readonly events$ = this.subject.asObservable();
  readonly state = signal<LiveState>('off');

  /** Replaced in unit tests. */
  fetchFn: (input: string, init: RequestInit) => Promise<Response> = (input, init) => fetch(input, init);
  /** Replaced in unit tests. */
  random: () => number = Math.random;

  private wanted = false;
  private controller: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private warned = false;

  constructor() {
    effect(() => {
      if (this.session.token() === null) this.stop();
    });
  }

  on<T = Record<string, unknown>>(...kinds: LiveEventKind[]): Observable<LiveEvent<T>> {
    return this.events$.pipe(
      filter((e) => kinds.includes(e.kind as LiveEventKind)),
      map((e) => e as LiveEvent<T>),
    );
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.wanted = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const controller = this.controller;
    this.controller = null;
    controller?.abort();
    this.state.set('off');
  }

  private async connect(): Promise<void> {
    const token = this.session.token();
    if (!this.wanted || token === null) return;
    const controller = new AbortController();
    this.controller = controller;
    this.state.set(this.attempt === 0 ? 'connecting' : 'retrying');
    try {
      const response = await this.fetchFn(EVENTS_URL, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status === 401) {
        this.stop();
        this.session.handleUnauthorized(token);
        return;
      }
      if (response.status === 404 || response.status === 405 || response.status === 501) {
        this.warnOnce(`live events: ${EVENTS_URL} is not available (HTTP ${response.status}); polling instead`);
        this.state.set('unavailable');
        this.schedule(UNAVAILABLE_RETRY_MS, controller);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.state.set('open');
      this.attempt = 0;
      await this.read(response.body, controller);
    } catch (err) {
      if (controller.signal.aborted) return;
      this.warnOnce(`live events: connection lost (${err instanceof Error ? err.message : String(err)}); retrying`);
    }
    if (this.controller === controller && this.wanted) {
      this.state.set('retrying');
      this.schedule(backoffDelay(this.attempt++, 1000, 30000, this.random), controller);
    }
  }

  private async read(body: ReadableStream<Uint8Array>, controller: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    const abort = () => void reader.cancel().catch(() => undefined);
    controller.signal.addEventListener('abort', abort);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || controller.signal.aborted) break;
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          let data: Record<string, unknown>;
          try {
            data = JSON.parse(message.data) as Record<string, unknown>;
          } catch {
            continue; // not JSON: not one of ours
          }
          this.subject.next({ kind: message.event, data });
        }
      }
    } finally {
      controller.signal.removeEventListener('abort', abort);
    }
  }

  private schedule(delayMs: number, controller: AbortController): void {
    if (this.controller !== controller) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delayMs);
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    console.warn(message);
  }
}

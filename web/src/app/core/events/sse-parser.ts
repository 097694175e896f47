/** One server-sent event: `event:` (default "message"), its `data:` lines joined by "\n", and `id:`. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/**
 * Incremental parser for text/event-stream (WHATWG HTML §9.2.6): feed it decoded text in chunks of any size
 * (a line, or a CRLF, may be split between chunks); it returns the events completed by each chunk. Comment lines
 * (": keep-alive") are skipped; an event with no data line is not dispatched.
 */
export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private retry: number | undefined;
  private sawData = false;

  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    if (this.pendingCr) {
      // The previous chunk ended in CR; a LF starting this one belongs to that line break.
      if (text.startsWith('\n')) text = text.slice(1);
      this.pendingCr = false;
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) out.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** Forget any half-read event (after a reconnect). */
  reset(): void {
    this.buffer = '';
    this.pendingCr = false;
    this.clearEvent();
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    if (!this.sawData) {
      this.clearEvent();
      return null;
    }
    const message: SseMessage = { event: this.event || 'message', data: this.data.join('\n') };
    if (this.id !== undefined) message.id = this.id;
    if (this.retry !== undefined) message.retry = this.retry;
    this.clearEvent();
    return message;
  }

  private clearEvent(): void {
    this.event = '';
    this.data = [];
    this.sawData = false;
    this.retry = undefined;
    // `id` persists across events per the spec (last event id), but we only report it on the event that set it.
    this.id = undefined;
  }
}

/** Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with up to 20 % jitter below the value. */
export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 30000, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exp * (1 - 0.2 * random()));
}

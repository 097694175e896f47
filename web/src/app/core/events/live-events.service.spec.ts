import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { SessionService, TOKEN_KEY } from '../auth/session.service';
import { EVENTS_URL, LiveEvent, LiveEventsService } from './live-events.service';

/** A streaming response whose body we push to by hand. */
function streamingResponse(status = 200) {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const response = {
    status,
    ok: status >= 200 && status < 300,
    body,
  } as unknown as Response;
  return {
    response,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(token: string | null = 'tok') {
  sessionStorage.clear();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] });
  const session = TestBed.inject(SessionService);
  const unauthorized = vi.spyOn(session, 'handleUnauthorized').mockImplementation(() => undefined);
  const live = TestBed.inject(LiveEventsService);
  live.random = () => 0;
  return { live, session, unauthorized };
}

describe('LiveEventsService', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    sessionStorage.clear();
  });

  it('reads the stream with the bearer header and emits parsed events', async () => {
    const { live } = setup('tok');
    const s = streamingResponse();
    const fetchFn = vi.fn().mockResolvedValue(s.response);
    live.fetchFn = fetchFn;
    const seen: LiveEvent[] = [];
    live.events$.subscribe((e) => seen.push(e));
    live.start();
    await tick();
    expect(fetchFn).toHaveBeenCalledTimes(1);
    const [url, init] = fetchFn.mock.calls[0];
    expect(url).toBe(EVENTS_URL);
    expect((init as RequestInit).headers).toMatchObject({ Authorization: 'Bearer tok', Accept: 'text/event-stream' });
    expect(live.state()).toBe('open');
    s.push(': keep-alive\n\nevent: gate_decision\ndata: {"plate_number":"KA01AB1234","decision":"BLOCKED"}\n\n');
    s.push('event: punch\ndata: not json\n\n');
    await tick();
    expect(seen).toEqual([{ kind: 'gate_decision', data: { plate_number: 'KA01AB1234', decision: 'BLOCKED' } }]);
    live.stop();
    expect(live.state()).toBe('off');
  });

  it('reconnects with backoff when the stream ends', async () => {
    vi.useFakeTimers();
    const { live } = setup('tok');
    const first = streamingResponse();
    const second = streamingResponse();
    const fetchFn = vi.fn().mockResolvedValueOnce(first.response).mockResolvedValueOnce(second.response);
    live.fetchFn = fetchFn;
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    first.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.state()).toBe('retrying');
    expect(fetchFn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetchFn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(live.state()).toBe('open');
    live.stop();
  });

  it('goes to log-in on 401 and stops', async () => {
    const { live, unauthorized } = setup('tok');
    live.fetchFn = vi.fn().mockResolvedValue({ status: 401, ok: false, body: null } as unknown as Response);
    live.start();
    await tick();
    expect(unauthorized).toHaveBeenCalledTimes(1);
    expect(live.state()).toBe('off');
  });

  it('falls back quietly (one warning) when the server has no stream', async () => {
    vi.useFakeTimers();
    const { live } = setup('tok');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fetchFn = vi.fn().mockResolvedValue({ status: 404, ok: false, body: null } as unknown as Response);
    live.fetchFn = fetchFn;
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.state()).toBe('unavailable');
    await vi.advanceTimersByTimeAsync(5 * 60 * 1000);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);
    live.stop();
  });

  it('stops when the user logs out', async () => {
    const { live, session } = setup('tok');
    const s = streamingResponse();
    live.fetchFn = vi.fn().mockResolvedValue(s.response);
    live.start();
    await tick();
    expect(live.state()).toBe('open');
    vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    session.logout();
    TestBed.tick();
    expect(live.state()).toBe('off');
  });

  it('does not connect without a token', async () => {
    const { live } = setup(null);
    const fetchFn = vi.fn();
    live.fetchFn = fetchFn;
    live.start();
    await tick();
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

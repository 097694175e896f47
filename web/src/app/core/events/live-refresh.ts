import { DestroyRef, inject } from '@angular/core';
import { asyncScheduler, throttleTime } from 'rxjs';
import { LiveEventKind, LiveEventsService } from './live-events.service';

/**
 * Call `refresh` when one of `kinds` arrives on the live event stream (at once, then at most every 500 ms while
 * events keep coming: a busy gate never starves the page), and every `pollMs` while the stream is not open (the
 * fallback when the server has no stream, or it is reconnecting); no polling while it is open. Injection context only.
 */
export function liveRefresh(kinds: LiveEventKind[], refresh: () => void, pollMs = 10000): void {
  const live = inject(LiveEventsService);
  const sub = live
    .on(...kinds)
    .pipe(throttleTime(500, asyncScheduler, { leading: true, trailing: true }))
    .subscribe(() => refresh());
  const timer = setInterval(() => {
    if (live.state() !== 'open' && (typeof document === 'undefined' || document.visibilityState !== 'hidden')) refresh();
  }, pollMs);
  inject(DestroyRef).onDestroy(() => {
    sub.unsubscribe();
    clearInterval(timer);
  });
}

/** Poll every `ms` whatever the live stream does (camera status has no events). Injection context only. */
export function poll(refresh: () => void, ms: number): void {
  const timer = setInterval(() => {
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') refresh();
  }, ms);
  inject(DestroyRef).onDestroy(() => clearInterval(timer));
}

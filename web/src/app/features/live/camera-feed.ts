import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal, untracked } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { FactoryApi } from '../../api/factory-api';
import { createViewerToken } from '../../api/fn/video/create-viewer-token';
import { ViewerLink } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';
import { backoffDelay } from '../../core/events/sse-parser';

/** The stream (or snapshot) URL of a viewer link, with the size and rate asked for. */
export function feedUrl(link: ViewerLink, mode: 'stream' | 'snapshot', width: number, fps: number | null, bust = 0): string {
  const url = new URL(mode === 'stream' ? link.stream_url : link.snapshot_url, 'http://x');
  url.searchParams.set('width', String(Math.max(160, Math.floor(width / 160) * 160)));
  if (mode === 'stream' && fps) url.searchParams.set('fps', String(fps));
  if (bust) url.searchParams.set('_', String(bust));
  return url.pathname + url.search;
}

/** When to renew a viewer token: a minute before it expires (never sooner than 5 s from now). */
export function renewDelay(expiresAt: string, now: number = Date.now()): number {
  const ms = new Date(expiresAt).getTime() - now - 60_000;
  return Math.max(5_000, Number.isNaN(ms) ? 5_000 : ms);
}

/**
 * A camera's live picture: an MJPEG <img> opened with a short-lived viewer token (an <img> cannot send the bearer
 * header). The token is renewed before it expires; the server checks it only when a stream opens, so a running
 * stream is left alone and the fresh token is used when the stream drops (img error), with backoff. In 'snapshot'
 * mode the tile shows a still refreshed every few seconds (keeps HTTP/1.1 connections free when many tiles show).
 */
@Component({
  selector: 'app-camera-feed',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatIconModule],
  template: `
    <div class="frame">
      @if (src(); as s) {
        <img [src]="s" [alt]="'Live picture of ' + cameraId()" (load)="onLoad()" (error)="onError()" />
      }
      @if (message(); as m) {
        <div class="overlay" role="status"><mat-icon aria-hidden="true">{{ failed() ? 'videocam_off' : 'hourglass_empty' }}</mat-icon><span>{{ m }}</span></div>
      }
    </div>
  `,
  styles: `
    :host { display: block; }
    .frame { position: relative; aspect-ratio: 16 / 9; background: #111; border-radius: 8px; overflow: hidden; }
    img { width: 100%; height: 100%; object-fit: contain; display: block; }
    .overlay { position: absolute; inset: 0; display: flex; gap: 8px; align-items: center; justify-content: center; color: #ddd; background: rgba(0,0,0,.55); font: var(--mat-sys-body-medium); padding: 8px; text-align: center; }
  `,
})
export class CameraFeed {
  private readonly api = inject(FactoryApi);
  readonly cameraId = input.required<string>();
  readonly width = input(640);
  readonly fps = input<number | null>(null);
  readonly mode = input<'stream' | 'snapshot'>('stream');
  readonly src = signal<string | null>(null);
  readonly message = signal<string | null>('Connecting…');
  readonly failed = signal(false);

  private link: ViewerLink | null = null;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotTimer: ReturnType<typeof setInterval> | null = null;
  private errors = 0;
  private generation = 0;

  constructor() {
    effect(() => {
      const id = this.cameraId();
      const mode = this.mode();
      this.width();
      this.fps();
      untracked(() => void this.open(id, mode));
    });
    inject(DestroyRef).onDestroy(() => this.clearTimers());
  }

  onLoad(): void {
    this.errors = 0;
    this.failed.set(false);
    this.message.set(null);
  }

  onError(): void {
    const gen = this.generation;
    this.errors++;
    this.failed.set(true);
    this.message.set('No picture — reconnecting…');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(async () => {
      if (gen !== this.generation) return;
      // A refused link (expired, camera changed) needs a new token; a dropped stream can reuse a valid one.
      if (!this.link || new Date(this.link.expires_at).getTime() - Date.now() < 60_000 || this.errors > 1) {
        await this.fetchToken(gen);
      }
      this.show(gen);
    }, backoffDelay(this.errors - 1, 2000, 30000));
  }

  private async open(id: string, mode: 'stream' | 'snapshot'): Promise<void> {
    const gen = ++this.generation;
    this.clearTimers();
    this.errors = 0;
    this.src.set(null);
    this.failed.set(false);
    this.message.set('Connecting…');
    if (!(await this.fetchToken(gen))) return;
    this.show(gen);
    if (mode === 'snapshot') {
      this.snapshotTimer = setInterval(() => this.show(gen), 3000);
    }
    void id;
  }

  private async fetchToken(gen: number): Promise<boolean> {
    try {
      const link = await this.api.invoke(createViewerToken, { camera_id: this.cameraId() });
      if (gen !== this.generation) return false;
      this.link = link;
      if (this.renewTimer) clearTimeout(this.renewTimer);
      this.renewTimer = setTimeout(() => void this.fetchToken(gen), renewDelay(link.expires_at));
      return true;
    } catch (err) {
      if (gen !== this.generation) return false;
      this.failed.set(true);
      this.message.set(apiErrorMessage(err));
      this.retryTimer = setTimeout(() => void this.open(this.cameraId(), this.mode()), 30000);
      return false;
    }
  }

  private show(gen: number): void {
    if (gen !== this.generation || !this.link) return;
    const bust = this.mode() === 'snapshot' || this.errors > 0 ? Date.now() : 0;
    this.src.set(feedUrl(this.link, this.mode(), this.width(), this.fps(), bust));
  }

  private clearTimers(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.renewTimer = this.retryTimer = this.snapshotTimer = null;
  }
}

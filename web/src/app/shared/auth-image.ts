import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

/**
 * An image from an API route that needs the bearer header (an <img src> cannot send it): fetched as a blob through
 * HttpClient (so the interceptor adds the token), shown from an object URL, freed when it changes or goes away.
 */
@Component({
  selector: 'app-auth-image',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatIconModule],
  template: `
    @if (url(); as u) {
      <img [src]="u" [alt]="alt()" [class]="imgClass()" />
    } @else {
      <div [class]="imgClass() + ' placeholder'" [attr.aria-label]="failed() ? 'Image not available' : alt()" role="img">
        <mat-icon aria-hidden="true">{{ failed() ? 'hide_image' : 'image' }}</mat-icon>
      </div>
    }
  `,
  styles: `
    :host { display: inline-block; }
    .placeholder { display: flex; align-items: center; justify-content: center; color: #aaa; }
  `,
})
export class AuthImage {
  private readonly http = inject(HttpClient);
  readonly src = input<string | null | undefined>(null);
  readonly alt = input('');
  readonly imgClass = input('thumb');
  readonly url = signal<string | null>(null);
  readonly failed = signal(false);
  private current: string | null = null;

  constructor() {
    effect((onCleanup) => {
      const src = this.src();
      this.failed.set(false);
      this.setUrl(null);
      if (!src) return;
      const sub = this.http.get(src, { responseType: 'blob' }).subscribe({
        next: (blob) => this.setUrl(URL.createObjectURL(blob)),
        error: () => this.failed.set(true),
      });
      onCleanup(() => sub.unsubscribe());
    });
    inject(DestroyRef).onDestroy(() => this.setUrl(null));
  }

  private setUrl(url: string | null): void {
    if (this.current) URL.revokeObjectURL(this.current);
    this.current = url;
    this.url.set(url);
  }
}

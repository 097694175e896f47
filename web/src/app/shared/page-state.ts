import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

/**
 * Loading / error / empty states for a block of content. Shows the content (ng-content) once there is some;
 * an error keeps the old content visible below the message.
 */
@Component({
  selector: 'app-page-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatProgressBarModule, MatIconModule, MatButtonModule],
  template: `
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading" />
    }
    @if (error(); as message) {
      <div class="state state-error" role="alert">
        <mat-icon aria-hidden="true">error_outline</mat-icon>
        <span>{{ message }}</span>
        <button mat-button type="button" (click)="retry.emit()">Try again</button>
      </div>
    }
    @if (empty() && !loading() && !error()) {
      <div class="state state-empty">
        <mat-icon aria-hidden="true">{{ emptyIcon() }}</mat-icon>
        <span>{{ emptyText() }}</span>
      </div>
    }
    @if (!empty()) {
      <ng-content />
    }
  `,
  styles: `
    :host { display: block; }
    .state { display: flex; align-items: center; gap: 8px; padding: 16px; border-radius: 8px; }
    .state-error { background: var(--mat-sys-error-container); color: var(--mat-sys-on-error-container); }
    .state-empty { color: var(--mat-sys-on-surface-variant); justify-content: center; padding: 24px 16px; }
  `,
})
export class PageState {
  readonly loading = input(false);
  readonly error = input<string | null>(null);
  readonly empty = input(false);
  readonly emptyText = input('Nothing here yet.');
  readonly emptyIcon = input('inbox');
  readonly retry = output<void>();
}

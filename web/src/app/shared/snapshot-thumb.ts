import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { AuthImage } from './auth-image';

interface SnapshotViewData {
  src: string;
  title: string;
}

@Component({
  selector: 'app-snapshot-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule, AuthImage],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <app-auth-image [src]="data.src" [alt]="data.title" imgClass="large-snapshot" />
    </mat-dialog-content>
    <mat-dialog-actions align="end"><button mat-button type="button" mat-dialog-close>Close</button></mat-dialog-actions>
  `,
  styles: `
    :host ::ng-deep .large-snapshot { display: block; width: min(960px, 86vw); max-height: 70vh; object-fit: contain; background: #111; border-radius: 8px; min-height: 200px; }
    app-auth-image { display: block; }
  `,
})
export class SnapshotView {
  readonly data = inject<SnapshotViewData>(MAT_DIALOG_DATA);
}

/**
 * A stored picture (gate decision, alert) as a thumbnail that opens full size. Nothing is requested without a
 * `src` (the row has no snapshot): a dash stands in.
 */
@Component({
  selector: 'app-snapshot-thumb',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AuthImage],
  template: `
    @if (src(); as s) {
      <button type="button" class="thumb-button" (click)="open(s)" [attr.aria-label]="'Show ' + alt() + ' full size'" data-testid="snapshot">
        <app-auth-image [src]="s" [alt]="alt()" />
      </button>
    } @else {
      <span class="none muted small" [attr.aria-label]="'No picture'">{{ noneText() }}</span>
    }
  `,
  styles: `
    :host { display: inline-block; }
    .thumb-button { padding: 0; border: 0; background: none; cursor: zoom-in; border-radius: 4px; display: block; }
    .thumb-button:focus-visible { outline: 2px solid var(--mat-sys-primary); outline-offset: 2px; }
    .none { display: inline-flex; width: 96px; justify-content: center; }
  `,
})
export class SnapshotThumb {
  private readonly dialog = inject(MatDialog);
  readonly src = input<string | null>(null);
  readonly alt = input('Picture');
  readonly noneText = input('—');

  open(src: string): void {
    this.dialog.open(SnapshotView, { data: { src, title: this.alt() }, maxWidth: '96vw' });
  }
}

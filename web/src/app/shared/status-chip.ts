import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { statusLabel, statusTone } from '../core/format';

@Component({
  selector: 'app-status-chip',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="chip" [class]="'chip chip-' + tone()">{{ text() }}</span>`,
})
export class StatusChip {
  readonly status = input.required<string | null | undefined>();
  /** Overrides the label derived from the status. */
  readonly label = input<string | undefined>(undefined);
  readonly tone = computed(() => statusTone(this.status()));
  readonly text = computed(() => this.label() ?? statusLabel(this.status()));
}

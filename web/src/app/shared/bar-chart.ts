import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface Bar {
  label: string;
  value: number | null;
  /** Optional second value drawn as a thin marker (e.g. the hour's maximum). */
  marker?: number | null;
  title?: string;
}

/** The top of a chart's scale: a "nice" number (1, 2, 5 × 10^n) at or above the largest value. */
export function niceMax(values: readonly (number | null | undefined)[]): number {
  const max = Math.max(0, ...values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  if (max <= 0) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(max)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * exp >= max) return step * exp;
  }
  return 10 * exp;
}

/** A small accessible SVG bar chart (no chart library): bars, optional markers, a labelled y scale. */
@Component({
  selector: 'app-bar-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure>
      <svg [attr.viewBox]="'0 0 ' + width + ' ' + height" role="img" [attr.aria-label]="label()" preserveAspectRatio="none">
        @for (t of ticks(); track t) {
          <line [attr.x1]="left" [attr.x2]="width" [attr.y1]="y(t)" [attr.y2]="y(t)" class="grid" />
          <text [attr.x]="left - 4" [attr.y]="y(t) + 4" class="tick" text-anchor="end">{{ t }}</text>
        }
        @for (b of bars(); track $index; let i = $index) {
          <g>
            <title>{{ b.title ?? b.label + ': ' + (b.value ?? '—') }}</title>
            @if (b.value !== null) {
              <rect [attr.x]="x(i) + 1" [attr.y]="y(b.value)" [attr.width]="barWidth() - 2" [attr.height]="bottom - y(b.value)" class="bar" />
            }
            @if (b.marker !== null && b.marker !== undefined) {
              <line [attr.x1]="x(i) + 1" [attr.x2]="x(i) + barWidth() - 1" [attr.y1]="y(b.marker)" [attr.y2]="y(b.marker)" class="marker" />
            }
            @if (showLabel(i)) {
              <text [attr.x]="x(i) + barWidth() / 2" [attr.y]="height - 4" class="tick" text-anchor="middle">{{ b.label }}</text>
            }
          </g>
        }
      </svg>
      @if (caption()) { <figcaption class="muted small">{{ caption() }}</figcaption> }
    </figure>
  `,
  styles: `
    figure { margin: 0; }
    svg { width: 100%; height: 220px; display: block; }
    .bar { fill: var(--mat-sys-primary); }
    .marker { stroke: var(--mat-sys-tertiary); stroke-width: 2; }
    .grid { stroke: var(--mat-sys-outline-variant); stroke-width: 1; }
    .tick { font-size: 11px; fill: var(--mat-sys-on-surface-variant); }
  `,
})
export class BarChart {
  readonly bars = input.required<Bar[]>();
  readonly label = input('Chart');
  readonly caption = input<string | null>(null);
  readonly width = 720;
  readonly height = 220;
  readonly left = 36;
  readonly bottom = 200;
  readonly top = 8;
  readonly max = computed(() => niceMax(this.bars().flatMap((b) => [b.value, b.marker])));
  readonly ticks = computed(() => {
    const m = this.max();
    return [0, m / 2, m].map((t) => Math.round(t * 100) / 100);
  });
  readonly barWidth = computed(() => (this.width - this.left) / Math.max(1, this.bars().length));

  x(i: number): number {
    return this.left + i * this.barWidth();
  }

  y(v: number): number {
    return this.bottom - (v / this.max()) * (this.bottom - this.top);
  }

  showLabel(i: number): boolean {
    const n = this.bars().length;
    const every = n > 16 ? Math.ceil(n / 12) : 1;
    return i % every === 0;
  }
}

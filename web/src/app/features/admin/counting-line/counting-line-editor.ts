import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, model, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { FactoryApi } from '../../../api/factory-api';
import { cameraStatus } from '../../../api/fn/video/camera-status';
import { createViewerToken } from '../../../api/fn/video/create-viewer-token';
import { apiErrorMessage } from '../../../core/api-error';
import { feedUrl } from '../../live/camera-feed';
import {
  DEFAULT_LINE, InSide, Line, Point, Size, describePoint, inwardNormal, keyStep, lineProblem, movePoint, toNormalised,
  toPixels,
} from './geometry';

const NAMES = ['A', 'B'] as const;

/**
 * Draw a zone camera's counting line on its current picture: drag the ends A and B (or focus one and move it with
 * the arrow keys, Shift for bigger steps) and choose which side is "in". The picture is fetched only for an
 * enabled camera that is online (a refused image would be a console error); otherwise the line is edited on a
 * blank frame of the same shape.
 */
@Component({
  selector: 'app-counting-line-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatButtonToggleModule, MatIconModule, MatTooltipModule],
  template: `
    <div class="editor" data-testid="counting-line-editor">
      <div class="stage" [style.aspect-ratio]="size().width + ' / ' + size().height">
        @if (src(); as s) {
          <img [src]="s" [alt]="'Current picture of ' + cameraId()" (load)="onImageLoad($event)" (error)="onImageError()" />
        }
        @if (message(); as m) {
          <div class="note" role="status"><mat-icon aria-hidden="true">{{ picture() === 'loading' ? 'hourglass_empty' : 'videocam_off' }}</mat-icon>{{ m }}</div>
        }
        <svg #svg [attr.viewBox]="'0 0 ' + size().width + ' ' + size().height" preserveAspectRatio="none"
          (pointermove)="onPointerMove($event)" (pointerup)="endDrag()" (pointercancel)="endDrag()"
          role="group" aria-label="Counting line">
          <line class="shadow" [attr.x1]="px()[0][0]" [attr.y1]="px()[0][1]" [attr.x2]="px()[1][0]" [attr.y2]="px()[1][1]" />
          <line class="line" [attr.x1]="px()[0][0]" [attr.y1]="px()[0][1]" [attr.x2]="px()[1][0]" [attr.y2]="px()[1][1]" />
          <line class="arrow" [attr.x1]="mid()[0]" [attr.y1]="mid()[1]" [attr.x2]="arrowTip()[0]" [attr.y2]="arrowTip()[1]" marker-end="url(#cl-head)" />
          <defs>
            <marker id="cl-head" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="4" markerHeight="4" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" class="head" />
            </marker>
          </defs>
          <text class="label in" [attr.x]="labelIn()[0]" [attr.y]="labelIn()[1]" [attr.font-size]="font()">IN</text>
          <text class="label out" [attr.x]="labelOut()[0]" [attr.y]="labelOut()[1]" [attr.font-size]="font()">OUT</text>
          @for (i of ends; track i) {
            <g class="handle" [class.selected]="selected() === i" tabindex="0" role="button"
              [attr.aria-label]="'End ' + names[i] + ' of the counting line, ' + describe(line()[i]) + '. Arrow keys move it, Shift for bigger steps.'"
              [attr.data-testid]="'line-point-' + names[i]"
              (pointerdown)="startDrag($event, i)" (keydown)="onKey($event, i)" (focus)="selected.set(i)">
              <circle class="hit" [attr.cx]="px()[i][0]" [attr.cy]="px()[i][1]" [attr.r]="font() * 1.4" />
              <circle class="dot" [attr.cx]="px()[i][0]" [attr.cy]="px()[i][1]" [attr.r]="font() * 0.7" />
              <text class="name" [attr.x]="px()[i][0]" [attr.y]="px()[i][1]" [attr.font-size]="font() * 0.8">{{ names[i] }}</text>
            </g>
          }
        </svg>
      </div>
      <div class="controls">
        <div class="side">
          <span class="side-label" id="cl-side">Inside is on the</span>
          <mat-button-toggle-group [value]="inSide()" (change)="inSide.set($event.value)" aria-labelledby="cl-side" hideSingleSelectionIndicator>
            <mat-button-toggle value="left">left</mat-button-toggle>
            <mat-button-toggle value="right">right</mat-button-toggle>
          </mat-button-toggle-group>
          <span class="muted small">of A → B</span>
        </div>
        <span class="spacer"></span>
        <button mat-button type="button" (click)="reset()"><mat-icon>restart_alt</mat-icon>Reset line</button>
        @if (cameraId() && enabled()) {
          <button mat-icon-button type="button" (click)="loadPicture()" aria-label="Refresh the picture" matTooltip="Refresh the picture"><mat-icon>refresh</mat-icon></button>
        }
      </div>
      <p class="muted small readout" aria-live="polite">A: {{ describe(line()[0]) }} · B: {{ describe(line()[1]) }} · people crossing towards IN are entries.</p>
      <p class="muted small hint">Drag the ends A and B, or select one with Tab and move it with the arrow keys.</p>
      @if (problem(); as p) { <p class="error small" role="alert">{{ p }}</p> }
    </div>
  `,
  styles: `
    :host { display: block; }
    .stage { position: relative; width: 100%; background: #1b1b1f; border-radius: 8px; user-select: none; margin: 12px 0; }
    img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: fill; display: block; border-radius: 8px; }
    svg { position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; overflow: visible; }
    .note { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; gap: 8px; color: #ccc; font: var(--mat-sys-body-medium); padding: 16px; text-align: center; pointer-events: none; }
    .line { stroke: #ffd54f; vector-effect: non-scaling-stroke; stroke-width: 3px; }
    .shadow { stroke: rgba(0,0,0,.6); vector-effect: non-scaling-stroke; stroke-width: 6px; }
    .arrow { stroke: #5ce07a; vector-effect: non-scaling-stroke; stroke-width: 3px; }
    .head { fill: #5ce07a; }
    .label { font-family: system-ui, sans-serif; font-weight: 700; text-anchor: middle; dominant-baseline: middle; paint-order: stroke; stroke: rgba(0,0,0,.7); stroke-width: 3px; vector-effect: non-scaling-stroke; }
    .label.in { fill: #5ce07a; } .label.out { fill: #ffb4ab; }
    .handle { cursor: grab; outline: none; }
    .handle .hit { fill: transparent; }
    .handle .dot { fill: #ffd54f; stroke: #000; stroke-width: 2px; vector-effect: non-scaling-stroke; }
    .handle .name { fill: #000; font-family: system-ui, sans-serif; font-weight: 700; text-anchor: middle; dominant-baseline: central; pointer-events: none; }
    .handle.selected .dot { fill: #fff; }
    .handle:focus-visible .dot { stroke: #0a84ff; stroke-width: 4px; }
    .controls { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
    .side { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    .side-label { font: var(--mat-sys-body-medium); }
    .readout, .hint { margin: 4px 0 0; }
    .error { color: var(--mat-sys-error); margin: 4px 0 0; }
  `,
})
export class CountingLineEditor {
  private readonly api = inject(FactoryApi);
  /** The camera whose picture to show (null: not saved yet, a blank frame). */
  readonly cameraId = input<string | null>(null);
  readonly enabled = input(true);
  readonly line = model<Line>(DEFAULT_LINE);
  readonly inSide = model<InSide>('left');

  readonly names = NAMES;
  readonly ends: readonly (0 | 1)[] = [0, 1];
  readonly describe = describePoint;
  readonly selected = signal<0 | 1>(0);
  readonly size = signal<Size>({ width: 1600, height: 900 });
  readonly src = signal<string | null>(null);
  readonly picture = signal<'none' | 'loading' | 'shown' | 'failed'>('none');
  readonly message = signal<string | null>(null);
  private readonly svg = viewChild<ElementRef<SVGSVGElement>>('svg');
  private dragging: 0 | 1 | null = null;
  private generation = 0;

  readonly px = computed(() => [toPixels(this.line()[0], this.size()), toPixels(this.line()[1], this.size())] as [Point, Point]);
  readonly font = computed(() => Math.max(this.size().width, this.size().height) / 40);
  readonly mid = computed<Point>(() => {
    const [a, b] = this.px();
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  });
  private readonly normal = computed(() => inwardNormal(this.line(), this.inSide(), this.size()));
  readonly arrowTip = computed<Point>(() => this.along(this.font() * 2.2));
  readonly labelIn = computed<Point>(() => this.along(this.font() * 3.6));
  readonly labelOut = computed<Point>(() => this.along(-this.font() * 1.8));
  readonly problem = computed(() => lineProblem(this.line()));

  constructor() {
    effect(() => {
      this.cameraId();
      this.enabled();
      untracked(() => void this.loadPicture());
    });
  }

  private along(distance: number): Point {
    const [mx, my] = this.mid();
    const [nx, ny] = this.normal();
    return [mx + nx * distance, my + ny * distance];
  }

  async loadPicture(): Promise<void> {
    const gen = ++this.generation;
    const id = this.cameraId();
    this.src.set(null);
    if (!id) {
      this.picture.set('none');
      this.message.set('Save the camera to draw on its picture.');
      return;
    }
    if (!this.enabled()) {
      this.picture.set('none');
      this.message.set('The camera is disabled: no picture.');
      return;
    }
    this.picture.set('loading');
    this.message.set('Loading the picture…');
    try {
      const status = await this.api.invoke(cameraStatus, { camera_id: id });
      if (gen !== this.generation) return;
      if (!status.online) {
        this.picture.set('failed');
        this.message.set('The camera is offline: no picture. The line can still be drawn.');
        return;
      }
      const link = await this.api.invoke(createViewerToken, { camera_id: id });
      if (gen !== this.generation) return;
      this.src.set(feedUrl(link, 'snapshot', 960, null, Date.now()));
    } catch (err) {
      if (gen !== this.generation) return;
      this.picture.set('failed');
      this.message.set(apiErrorMessage(err));
    }
  }

  onImageLoad(event: Event): void {
    const img = event.target as HTMLImageElement;
    if (img.naturalWidth > 0 && img.naturalHeight > 0) this.size.set({ width: img.naturalWidth, height: img.naturalHeight });
    this.picture.set('shown');
    this.message.set(null);
  }

  onImageError(): void {
    this.src.set(null);
    this.picture.set('failed');
    this.message.set('No picture from the camera. The line can still be drawn.');
  }

  startDrag(event: PointerEvent, i: 0 | 1): void {
    event.preventDefault();
    this.selected.set(i);
    this.dragging = i;
    (event.currentTarget as SVGGElement).focus({ preventScroll: true });
    this.svg()?.nativeElement.setPointerCapture?.(event.pointerId);
  }

  onPointerMove(event: PointerEvent): void {
    if (this.dragging === null) return;
    const el = this.svg()?.nativeElement;
    if (!el) return;
    const rect = el.getBoundingClientRect();
    this.setPoint(this.dragging, toNormalised(event.clientX - rect.left, event.clientY - rect.top, rect));
  }

  endDrag(): void {
    this.dragging = null;
  }

  onKey(event: KeyboardEvent, i: 0 | 1): void {
    const step = keyStep(event.key, event.shiftKey);
    if (!step) return;
    event.preventDefault();
    this.selected.set(i);
    this.setPoint(i, movePoint(this.line()[i], step[0], step[1]));
  }

  reset(): void {
    this.line.set(DEFAULT_LINE);
  }

  private setPoint(i: 0 | 1, p: Point): void {
    const line: Line = [...this.line()] as Line;
    line[i] = p;
    this.line.set(line);
  }
}

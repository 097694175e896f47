/**
 * The counting line of a zone camera: two points in normalised image coordinates (0..1, x right, y down), as
 * CameraSettings.counting_line stores them, and the side that is "in" (CameraSettings.in_side: 'left' or 'right',
 * seen walking from the first point to the second). Pure functions, unit-tested; the editor draws with them.
 */

export type Point = [number, number];
export type Line = [Point, Point];
export type InSide = 'left' | 'right';

export interface Size {
  width: number;
  height: number;
}

/** A horizontal line across the middle: people walking up or down the picture cross it. */
export const DEFAULT_LINE: Line = [
  [0.1, 0.5],
  [0.9, 0.5],
];

/** Points closer than this (normalised) make no line (the server refuses two equal points). */
export const MIN_LENGTH = 0.02;

export function clamp01(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.min(1, Math.max(0, v));
}

/** Rounded to 4 decimals (0.1 px on a 1000 px picture): what is stored and shown. */
export function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}

/** A pixel position inside a box of `size` (e.g. the picture's client rect) as a clamped normalised point. */
export function toNormalised(px: number, py: number, size: Size): Point {
  if (size.width <= 0 || size.height <= 0) return [0, 0];
  return [round4(clamp01(px / size.width)), round4(clamp01(py / size.height))];
}

/** A normalised point in pixels of a box of `size`. */
export function toPixels(p: Point, size: Size): Point {
  return [p[0] * size.width, p[1] * size.height];
}

/** A point moved by (dx, dy) normalised units, kept inside the picture. */
export function movePoint(p: Point, dx: number, dy: number): Point {
  return [round4(clamp01(p[0] + dx)), round4(clamp01(p[1] + dy))];
}

/** The stored setting as a line, or null when it is missing or malformed. */
export function parseLine(value: unknown): Line | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const pts = value.map((p) =>
    Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v))
      ? ([clamp01(p[0]), clamp01(p[1])] as Point)
      : null,
  );
  return pts[0] && pts[1] ? [pts[0], pts[1]] : null;
}

export function lineLength(line: Line, size: Size = { width: 1, height: 1 }): number {
  const [a, b] = [toPixels(line[0], size), toPixels(line[1], size)];
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

/** Why a line cannot be saved, or null. */
export function lineProblem(line: Line): string | null {
  if (lineLength(line) < MIN_LENGTH) return 'The two ends of the counting line are too close together.';
  return null;
}

/**
 * The unit vector (in pixels of `size`) pointing from the line to its "in" side. In image coordinates (y down) the
 * left of the walking direction d = (dx, dy) is (dy, -dx): walking right, left is up. Computed in pixels because a
 * picture is not square; the server decides the side by the same cross product's sign (occupancy/counting.py).
 */
export function inwardNormal(line: Line, side: InSide, size: Size): Point {
  const [a, b] = [toPixels(line[0], size), toPixels(line[1], size)];
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  const left: Point = [dy / len, -dx / len];
  return side === 'left' ? left : [-left[0], -left[1]];
}

/** Which side a pixel point is on (the server's test: the cross product's sign, negative on the left). */
export function sideOf(line: Line, point: Point, size: Size): InSide | 'on' {
  const [a, b] = [toPixels(line[0], size), toPixels(line[1], size)];
  const cross = (b[0] - a[0]) * (point[1] - a[1]) - (b[1] - a[1]) * (point[0] - a[0]);
  if (Math.abs(cross) < 1e-9) return 'on';
  return cross < 0 ? 'left' : 'right';
}

/** "x 10 %, y 50 %" for screen readers and the readout. */
export function describePoint(p: Point): string {
  return `x ${Math.round(p[0] * 100)} %, y ${Math.round(p[1] * 100)} %`;
}

/** The arrow-key step: 1 % of the picture, 5 % with Shift; null for other keys. */
export function keyStep(key: string, shift: boolean): [number, number] | null {
  const s = shift ? 0.05 : 0.01;
  switch (key) {
    case 'ArrowLeft':
      return [-s, 0];
    case 'ArrowRight':
      return [s, 0];
    case 'ArrowUp':
      return [0, -s];
    case 'ArrowDown':
      return [0, s];
    default:
      return null;
  }
}

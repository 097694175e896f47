import {
  DEFAULT_LINE, Line, clamp01, describePoint, inwardNormal, keyStep, lineProblem, movePoint, parseLine, sideOf,
  toNormalised, toPixels,
} from './geometry';

describe('counting line geometry', () => {
  const size = { width: 1600, height: 900 };

  it('converts pixels to normalised coordinates and back', () => {
    expect(toNormalised(800, 450, size)).toEqual([0.5, 0.5]);
    expect(toNormalised(160, 675, size)).toEqual([0.1, 0.75]);
    expect(toPixels([0.1, 0.75], size)).toEqual([160, 675]);
    const [x, y] = toNormalised(333, 123, size);
    const [px, py] = toPixels([x, y], size);
    expect(Math.abs(px - 333)).toBeLessThan(0.2);
    expect(Math.abs(py - 123)).toBeLessThan(0.1);
  });

  it('clamps a point dragged outside the picture to its edge', () => {
    expect(toNormalised(-40, 2000, size)).toEqual([0, 1]);
    expect(toNormalised(1700, -1, size)).toEqual([1, 0]);
    expect(toNormalised(10, 10, { width: 0, height: 0 })).toEqual([0, 0]);
    expect(clamp01(Number.NaN)).toBe(0);
    expect(movePoint([0.995, 0.003], 0.01, -0.01)).toEqual([1, 0]);
    expect(movePoint([0.5, 0.5], -0.05, 0.01)).toEqual([0.45, 0.51]);
  });

  it('moves with the arrow keys, further with Shift', () => {
    expect(keyStep('ArrowLeft', false)).toEqual([-0.01, 0]);
    expect(keyStep('ArrowDown', true)).toEqual([0, 0.05]);
    expect(keyStep('Enter', false)).toBeNull();
  });

  it('reads the stored setting, refusing malformed values', () => {
    expect(parseLine([[0.2, 0.3], [0.8, 0.3]])).toEqual([[0.2, 0.3], [0.8, 0.3]]);
    expect(parseLine([[0.2, 1.3], [-1, 0.3]])).toEqual([[0.2, 1], [0, 0.3]]);
    expect(parseLine(null)).toBeNull();
    expect(parseLine([[0.2, 0.3]])).toBeNull();
    expect(parseLine([[0.2, 'a'], [0.8, 0.3]])).toBeNull();
  });

  it('refuses a line whose ends are too close', () => {
    expect(lineProblem(DEFAULT_LINE)).toBeNull();
    expect(lineProblem([[0.5, 0.5], [0.505, 0.5]])).toMatch(/too close/);
  });

  it('puts "left" on the left of the walking direction, y pointing down, as the server does', () => {
    const rightwards: Line = [[0.1, 0.5], [0.9, 0.5]];
    // Walking right across the picture, left is up (negative y).
    const [nx, ny] = inwardNormal(rightwards, 'left', size);
    expect(nx).toBeCloseTo(0);
    expect(ny).toBeCloseTo(-1);
    expect(inwardNormal(rightwards, 'right', size)[1]).toBeCloseTo(1);
    expect(sideOf(rightwards, [800, 100], size)).toBe('left');
    expect(sideOf(rightwards, [800, 800], size)).toBe('right');
    expect(sideOf(rightwards, [800, 450], size)).toBe('on');
    // Walking down the picture, left is to the right on screen (positive x).
    const downwards: Line = [[0.5, 0.1], [0.5, 0.9]];
    expect(inwardNormal(downwards, 'left', size)[0]).toBeCloseTo(1);
    expect(sideOf(downwards, [1500, 450], size)).toBe('left');
  });

  it('describes a point for screen readers', () => {
    expect(describePoint([0.1, 0.5])).toBe('x 10 %, y 50 %');
  });
});

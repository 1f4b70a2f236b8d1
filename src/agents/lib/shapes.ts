import { mulberry32, shuffled } from './random.js';
import type { Cell, Table } from './table.js';

export const SHAPES = ['square', 'circle', 'cross', 'triangle'] as const;
export const SIDE = 8;

type Inside = (dx: number, dy: number, s: number) => boolean;

/** Each shape as a test on offsets from its centre, for a half-size s (in pixels). */
const INSIDE: Record<(typeof SHAPES)[number], Inside> = {
  square: (dx, dy, s) => Math.max(Math.abs(dx), Math.abs(dy)) <= s && Math.max(Math.abs(dx), Math.abs(dy)) >= s - 1,
  circle: (dx, dy, s) => Math.abs(Math.hypot(dx, dy) - s + 0.5) <= 0.55,
  cross: (dx, dy, s) => (Math.abs(dx) <= 0.5 && Math.abs(dy) <= s) || (Math.abs(dy) <= 0.5 && Math.abs(dx) <= s),
  triangle: (dx, dy, s) => dy >= -s && dy <= s && Math.abs(dx) <= (dy + s) / 2,
};

/** A standard normal draw (Box-Muller). */
export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** One image: the shape's coverage of each pixel (4x4 subsamples), a random brightness, and noise; 0..255. */
function render(inside: Inside, rand: () => number): number[] {
  const cx = SIDE / 2 + (rand() - 0.5) * 1.4;
  const cy = SIDE / 2 + (rand() - 0.5) * 1.4;
  const s = 2.3 + rand() * 1.1;
  const brightness = 0.7 + rand() * 0.3;
  const pixels: number[] = [];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4 - cx, y + (sy + 0.5) / 4 - cy, s)) hits++;
      const v = (hits / 16) * brightness + gaussian(rand) * 0.08;
      pixels.push(Math.round(Math.min(1, Math.max(0, v)) * 255));
    }
  }
  return pixels;
}

/**
 * A tiny synthetic image set for computer-vision workflows: `perShape` 8x8 grayscale images of
 * each shape, randomly placed and sized, with pixel noise; columns px_<row>_<col> and label.
 */
export function shapes(perShape = 80, seed = 11): Table {
  const rand = mulberry32(seed);
  const rows: Cell[][] = SHAPES.flatMap((shape) => Array.from({ length: perShape }, () => [...render(INSIDE[shape], rand), shape]));
  const columns = [...Array.from({ length: SIDE * SIDE }, (_, i) => `px_${Math.floor(i / SIDE)}_${i % SIDE}`), 'label'];
  return { columns, rows: shuffled(rows, rand) };
}

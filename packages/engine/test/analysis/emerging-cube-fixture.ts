// A constructed space-time cube for the emerging hot spot tests: a 25 x 25 square grid, 20 steps,
// background values near 20 (deterministic noise 18-22), and one pattern per 5 x 5 slot: the 3 x 3 block
// at the slot's centre follows the pattern's series, so the centre cell's neighbourhood is the block.
export const N_STEPS = 20;
export const SIDE = 25;
const HOT = 60;
const COLD = 0;

const noise = (i: number, t: number): number => 18 + (Math.abs(Math.sin(i * 12.9898 + t * 78.233) * 43758.5453) % 1) * 4;
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);
const series = (f: (t: number) => number | undefined): (number | undefined)[] => Array.from({ length: N_STEPS }, (_, t) => f(t));

/** Pattern name -> block value per step (undefined = background). */
export const PATTERNS: Record<string, (number | undefined)[]> = {
  'new hot spot': series((t) => (t === 19 ? HOT : undefined)),
  'new cold spot': series((t) => (t === 19 ? COLD : undefined)),
  'consecutive hot spot': series((t) => (t >= 16 ? HOT : undefined)),
  'consecutive cold spot': series((t) => (t >= 16 ? COLD : undefined)),
  'intensifying hot spot': series((t) => 40 + 3 * t),
  'intensifying cold spot': series((t) => Math.max(0, 8 - 0.5 * t)),
  'persistent hot spot': series((t) => [HOT, HOT + 10, HOT + 5][t % 3]),
  'persistent cold spot': series((t) => [0, 3, 1.5][t % 3]),
  'diminishing hot spot': series((t) => 100 - 2.5 * t),
  'diminishing cold spot': series((t) => 0.4 * t),
  'oscillating hot spot': series((t) => (t === 5 || t === 6 ? COLD : t === 19 || t === 12 ? HOT : undefined)),
  'oscillating cold spot': series((t) => (t === 5 || t === 6 ? HOT : t === 19 || t === 12 ? COLD : undefined)),
  'historical hot spot': series((t) => (t <= 17 ? HOT : undefined)),
  'historical cold spot': series((t) => (t <= 17 ? COLD : undefined)),
  'sporadic hot spot': series((t) => (t === 3 || t === 9 ? HOT : undefined)),
  'sporadic cold spot': series((t) => (t === 3 || t === 9 ? COLD : undefined)),
  'no pattern detected': series(() => undefined),
};

export interface ConstructedCube {
  cells: string[];
  nSteps: number;
  values: Float64Array;
  /** Pattern name -> index of its centre cell in `cells`. */
  centre: Record<string, number>;
}

export function constructedCube(): ConstructedCube {
  const ids: string[] = [];
  for (let c = 0; c < SIDE; c++) for (let r = 0; r < SIDE; r++) ids.push(`sq:${c}:${r}`);
  const cells = [...ids].sort();
  const index = new Map(cells.map((c, i) => [c, i]));
  const n = cells.length;
  const values = new Float64Array(n * N_STEPS);
  for (let t = 0; t < N_STEPS; t++) for (let i = 0; i < n; i++) values[t * n + i] = noise(i, t);
  const centre: Record<string, number> = {};
  Object.entries(PATTERNS).forEach(([name, s], slot) => {
    const cc = 2 + 5 * (slot % 5);
    const cr = 2 + 5 * Math.floor(slot / 5);
    centre[name] = index.get(`sq:${cc}:${cr}`)!;
    for (let dc = -1; dc <= 1; dc++) {
      for (let dr = -1; dr <= 1; dr++) {
        const i = index.get(`sq:${cc + dc}:${cr + dr}`)!;
        s.forEach((v, t) => {
          if (v !== undefined) values[t * n + i] = v;
        });
      }
    }
  });
  return { cells, nSteps: N_STEPS, values, centre };
}

export { range };

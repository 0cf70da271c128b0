import { readFileSync } from 'node:fs';

export interface GeometricCase {
  epsilon: number;
  sensitivity: number;
  alpha: number;
  meanAbsolute: number;
  variance: number;
  sdAbsolute: number;
  halfWidth95: number;
  pmf: Record<string, number>;
}

const dir = new URL('../fixtures/reference/', import.meta.url);

export function geometricReference(): { cases: GeometricCase[]; chi2Critical999df14: number } {
  return JSON.parse(readFileSync(new URL('privacy-geometric-mechanism.json', dir), 'utf8')) as { cases: GeometricCase[]; chi2Critical999df14: number };
}

export interface TreeCase {
  name: string;
  parent: number[];
  value: number[];
  variance: (number | 'Infinity')[];
  estimate: number[];
}

export function treeReference(): TreeCase[] {
  return (JSON.parse(readFileSync(new URL('privacy-tree-least-squares.json', dir), 'utf8')) as { cases: TreeCase[] }).cases;
}

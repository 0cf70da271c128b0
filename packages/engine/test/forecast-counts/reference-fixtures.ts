/** Loaders of the committed R reference outputs shared by the stats and forecast-counts tests. */
import { readFileSync } from 'node:fs';

/** R glm(family = poisson) and MASS::glm.nb on UCDP Balochistan district-months (scripts/reference/counts-glm-reference.R). */
export interface GlmReference {
  n: number; p: number; names: string[]; y: number[]; x: number[]; offset: number[];
  poisson: { coefficients: number[]; se: number[]; deviance: number; aic: number; loglik: number };
  negbin: { coefficients: number[]; se: number[]; theta: number; thetaSE: number; twologlik: number; aic: number; deviance: number };
  negbinDefaultControl: { coefficients: number[]; theta: number; twologlik: number };
}
export const glmRef = JSON.parse(readFileSync(new URL('../fixtures/reference/counts-glm.json', import.meta.url), 'utf8')) as GlmReference;

/** R dpois/pnbinom/q*, and CRPS by explicit summation (scripts/reference/counts-scores-reference.R). */
export interface ScoreCase { family: 'poisson' | 'negbin'; mean: number; theta?: number; y: number; crps: number; crpsClosed?: number; pmf: number; cdf: number; q05: number; q50: number; q95: number }
export const scoresRef = JSON.parse(readFileSync(new URL('../fixtures/reference/counts-scores.json', import.meta.url), 'utf8')) as { cases: ScoreCase[] };

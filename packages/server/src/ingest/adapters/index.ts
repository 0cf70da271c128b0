/**
 * Built-in adapters for public datasets, keyed by the name the CLI's `--format` takes. Each
 * implements `Adapter` (../adapter.ts): row -> Report or quarantine reasons, never throwing.
 */
import type { Adapter } from '../adapter.js';
import { acledAdapter } from './acled.js';
import { gtdAdapter } from './gtd.js';
import { portlandNij2016Adapter, portlandNijAdapter } from './portland-nij.js';
import { ucdpAdapter } from './ucdp.js';

export const builtinAdapters: Record<string, Adapter> = {
  ucdp: ucdpAdapter,
  gtd: gtdAdapter,
  acled: acledAdapter,
  'portland-nij': portlandNijAdapter,
  'portland-nij-2016': portlandNij2016Adapter,
};

export { acledAdapter, parseAcledDate } from './acled.js';
export { gtdAdapter } from './gtd.js';
export {
  createPortlandNijAdapter, oregonNorthFeetToWgs84, portlandNij2016Adapter, portlandNijAdapter, portlandRowFeet, toOregonNorthFeet,
  OREGON_NORTH_FT_INTL, PORTLAND_TIME_ZONE,
} from './portland-nij.js';
export { ucdpAdapter } from './ucdp.js';
export { localDateToUtc, normaliseProvince } from './common.js';

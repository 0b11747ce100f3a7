/** The package version. */
export const version = '0.1.0';
export {
  type FinnhubServerError,
  type FinnhubTradeStream,
  type FinnhubTradesOptions,
  finnhubTrades,
} from './finnhub/finnhubTrades.js';
export type { ReplayFormat, ReplayLineParser } from './replay/lineParsers.js';
export { type ReplayOptions, replay } from './replay/replay.js';
export { type SyntheticOptions, synthetic } from './synthetic/synthetic.js';

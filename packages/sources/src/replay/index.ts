export type { ReplayFormat, ReplayLineParser } from './lineParsers.js';
export { type ReplayOptions, replay } from './replay.js';

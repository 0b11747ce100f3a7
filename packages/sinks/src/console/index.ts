export { type ConsoleSinkOptions, consoleSink } from './consoleSink.js';

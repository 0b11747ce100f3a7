import type { Counter, Gauge, Histogram, Instrumentation } from './Instrumentation.js';

const noop = () => {};
const metric: Counter & Gauge & Histogram = { inc: noop, dec: noop, set: noop, observe: noop };

/**
 * Instrumentation that records nothing and costs one empty call: the default everywhere.
 *
 * @example
 * ```ts
 * import { noopInstrumentation } from '@tickflow/core';
 * noopInstrumentation.counter('x').inc(); // does nothing
 * ```
 */
export const noopInstrumentation: Instrumentation = Object.freeze({
  enabled: false,
  counter: () => metric,
  gauge: () => metric,
  histogram: () => metric,
  log: noop,
});

export { anomaly } from './anomaly.js';
export type { AnomalyEvent } from './AnomalyEvent.js';
export type { AnomalyOptions } from './AnomalyOptions.js';

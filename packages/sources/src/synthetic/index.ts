export { type SyntheticOptions, synthetic } from './synthetic.js';

export { prometheusInstrumentation, type PrometheusInstrumentationOptions } from './prometheusInstrumentation.js';

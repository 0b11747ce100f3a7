/**
 * Instrumentation backed by prom-client, for a `/metrics` endpoint.
 *
 * @module @tickflow/core/prometheus
 */
export { prometheusInstrumentation, type PrometheusInstrumentationOptions } from './prometheusInstrumentation.js';

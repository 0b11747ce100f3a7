import type { Quote } from '@tickflow/core';
import type { YahooCycleSummary } from './createQuoteCycle.js';
import { type YahooQuotesOptions, yahooQuotes } from './yahooQuotes.js';

/** What {@link runYahooCycles} saw: every quote emitted and every cycle summary. */
export interface YahooRun {
  quotes: Quote[];
  summaries: YahooCycleSummary[];
}

/**
 * Test helper: subscribes to `yahooQuotes(options)` and resolves after `cycles` cycles (or the
 * first cycle `cycles` accepts, at most 500) with every quote and summary seen, then unsubscribes.
 * `between` runs after each cycle that does not end the run.
 */
export function runYahooCycles(
  options: YahooQuotesOptions,
  cycles: number | ((s: YahooCycleSummary) => boolean),
  between?: (s: YahooCycleSummary) => void,
): Promise<YahooRun> {
  return new Promise<YahooRun>((resolve, reject) => {
    const quotes: Quote[] = [];
    const summaries: YahooCycleSummary[] = [];
    const sub = yahooQuotes({
      ...options,
      onCycle: (s) => {
        summaries.push(s);
        options.onCycle?.(s);
        if (typeof cycles === 'number' ? s.cycle >= cycles : cycles(s) || s.cycle >= 500) {
          queueMicrotask(() => sub.unsubscribe());
          resolve({ quotes, summaries });
        } else between?.(s);
      },
    }).subscribe({ next: (q) => quotes.push(q), error: reject });
  });
}

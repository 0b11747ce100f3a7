import { describe, expect, it } from 'vitest';
import { isRetriableSendError } from './isRetriableSendError.js';

const err = (props: object) => Object.assign(new Error('x'), props);

describe('isRetriableSendError', () => {
  it('retries retriable errors and kafkajs retry exhaustion caused by one', () => {
    expect(isRetriableSendError(err({ retriable: true }))).toBe(true);
    expect(isRetriableSendError(err({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriableSendError(err({ name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause: err({ name: 'KafkaJSConnectionError', retriable: true }) }))).toBe(true);
    expect(isRetriableSendError(err({ name: 'KafkaJSNonRetriableError', retriable: false, cause: err({ name: 'KafkaJSConnectionError', retriable: true }) }))).toBe(true);
  });

  it('does not retry non-retriable or record-level errors', () => {
    expect(isRetriableSendError(err({ retriable: false }))).toBe(false);
    expect(isRetriableSendError(err({ name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause: err({ retriable: false }) }))).toBe(false);
    expect(isRetriableSendError(err({ type: 'MESSAGE_TOO_LARGE', retriable: true }))).toBe(false);
    expect(isRetriableSendError(err({ name: 'KafkaJSNonRetriableError', retriable: false, cause: err({ type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false }) }))).toBe(false);
    expect(isRetriableSendError(undefined)).toBe(false);
  });
});

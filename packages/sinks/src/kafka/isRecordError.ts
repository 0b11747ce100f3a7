/** kafkajs protocol errors that concern a record, not the connection. */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_TIMESTAMP']);

/**
 * True when a send failed because of a record (too large, invalid), not the connection: the sink
 * then splits the batch and dead-letters the culprit.
 *
 * @param error - the send error (its `cause` chain is searched)
 * @returns whether the error is record-level
 * @internal
 */
export function isRecordError(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && RECORD_ERRORS.has(e.type)) return true;
  }
  return false;
}

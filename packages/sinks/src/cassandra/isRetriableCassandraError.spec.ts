import { ConnectionError, ValidationError } from '@tickflow/core';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { isRetriableCassandraError } from './isRetriableCassandraError.js';

const { errors, types } = cassandra;
const response = (code: number) => new errors.ResponseError(code, 'x');

describe('isRetriableCassandraError', () => {
  it('retries what a later attempt of an idempotent write can get past (real driver error classes)', () => {
    expect(isRetriableCassandraError(new errors.NoHostAvailableError({}))).toBe(true);
    expect(isRetriableCassandraError(new errors.OperationTimedOutError('timed out'))).toBe(true);
    expect(isRetriableCassandraError(new errors.BusyConnectionError('127.0.0.1:9042', 2048, 1))).toBe(true);
    const c = types.responseErrorCodes;
    for (const code of [c.unavailableException, c.overloaded, c.isBootstrapping, c.writeTimeout, c.readTimeout, c.truncateError]) {
      expect(isRetriableCassandraError(response(code))).toBe(true);
    }
    expect(isRetriableCassandraError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetriableCassandraError(new ConnectionError('down'))).toBe(true);
  });

  it('does not retry errors that retrying cannot fix', () => {
    const c = types.responseErrorCodes;
    for (const code of [c.syntaxError, c.invalid, c.unauthorized, c.badCredentials, c.configError, c.writeFailure, c.serverError]) {
      expect(isRetriableCassandraError(response(code))).toBe(false);
    }
    expect(isRetriableCassandraError(new errors.ArgumentError('bad'))).toBe(false);
    expect(isRetriableCassandraError(new errors.AuthenticationError('no'))).toBe(false);
    // every host refused the login (wrong password, no credentials): the driver wraps it
    const refused = new errors.NoHostAvailableError({ '127.0.0.1:9042': new errors.AuthenticationError('Provided username x and/or password are incorrect') });
    expect(isRetriableCassandraError(refused)).toBe(false);
    // one host refused, another was unreachable: that may pass once it is back
    const mixed = new errors.NoHostAvailableError({ a: new errors.AuthenticationError('no'), b: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(isRetriableCassandraError(mixed)).toBe(true);
    expect(isRetriableCassandraError(new TypeError('Expected Number'))).toBe(false);
    expect(isRetriableCassandraError(new ValidationError('x'))).toBe(false);
    expect(isRetriableCassandraError(undefined)).toBe(false);
    expect(isRetriableCassandraError('NoHostAvailableError')).toBe(false);
  });
});

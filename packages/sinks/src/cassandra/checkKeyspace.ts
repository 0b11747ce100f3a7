// Internal: keyspace names are spliced into CQL, so only plain identifiers are accepted.
import { ConfigurationError } from '@tickflow/core';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/** Returns the keyspace name, or throws a ConfigurationError naming the setting. */
export function checkKeyspace(keyspace: unknown): string {
  if (typeof keyspace !== 'string' || !NAME.test(keyspace)) {
    throw new ConfigurationError(`keyspace must be letters, digits and _ starting with a letter (max 48), got ${JSON.stringify(keyspace)}`, {
      setting: 'keyspace',
    });
  }
  return keyspace;
}

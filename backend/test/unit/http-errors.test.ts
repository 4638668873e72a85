import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from '../../src/db/db-errors.js';

const err = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('isDatabaseUnavailable (503, not 500)', () => {
  it.each([
    ['MongoServerSelectionError', 'Server selection timed out after 10000 ms'],
    ['MongoNetworkError', 'connection 3 to 127.0.0.1:27017 closed'],
    ['MongoBulkWriteError', 'connect ECONNREFUSED 127.0.0.1:27017'],
    ['MongoBulkWriteError', 'getaddrinfo ENOTFOUND mongo'],
    ['MongoBulkWriteError', 'getaddrinfo EAI_AGAIN mongo'],
    ['MongoBulkWriteError', "Socket 'connect' timed out after 30000ms (connectTimeoutMS: 30000)"],
    ['MongoBulkWriteError', 'connect EHOSTUNREACH 10.0.0.5:27017'],
    ['MongoNotConnectedError', 'Client must be connected before running operations'],
    ['MongoNetworkTimeoutError', 'connection 4 to 127.0.0.1:27017 timed out'],
    ['MongoBulkWriteError', 'write EPIPE'],
    ['MongoServerError', 'read ECONNRESET'],
  ])('%s: %s', (name, message) => expect(isDatabaseUnavailable(err(name, message))).toBe(true));

  it.each([
    ['TypeError', 'Cannot read properties of undefined'],
    ['MongoServerError', 'E11000 duplicate key error'],
    ['Error', 'connect ECONNREFUSED (not from the driver)'],
  ])('not %s: %s', (name, message) => expect(isDatabaseUnavailable(err(name, message))).toBe(false));

  it('recognises socket error codes, and causes wrapped by the driver', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: err('MongoNetworkError', 'closed') }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new TypeError('x') }))).toBe(false);
  });
});

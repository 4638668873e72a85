import { describe, expect, it } from '@jest/globals';
import { acceptableCodings } from '../../src/http/precompressed.js';

describe('acceptableCodings (Accept-Encoding → the precompressed copies to try, best first)', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['identity', []],
    // What browsers send: brotli first on a tie, whatever the header's order.
    ['gzip, deflate, br, zstd', ['br', 'gzip']],
    ['gzip', ['gzip']],
    ['x-gzip', ['gzip']],
    ['br', ['br']],
    ['BR , GZIP', ['br', 'gzip']],
    // The client's q-values decide first; q=0 refuses.
    ['br;q=0.5, gzip', ['gzip', 'br']],
    ['br;q=0, gzip', ['gzip']],
    ['gzip;q=0', []],
    ['*', ['br', 'gzip']],
    ['*;q=0.1, gzip;q=0.5', ['gzip', 'br']],
    ['*, br;q=0', ['gzip']],
    ['br;q=garbage, gzip', ['gzip']],
    ['br;q=1.5;level=3, gzip;q=0.9', ['br', 'gzip']],
  ])('%j → %j', (header, expected) => {
    expect(acceptableCodings(header)).toEqual(expected);
  });
});

import { convertToParamMap } from '@angular/router';
import { PAGE_LIMIT_DEFAULT, SEARCH_QUERY_MAX_LENGTH } from '@storyflow/contracts/limits';
import { DEFAULT_LIST_QUERY, listRequest, readListQuery, toQueryParams } from './list-query';

const read = (params: Record<string, string>) => readListQuery(convertToParamMap(params));

describe('list query in the URL', () => {
  it('reads filter, page and search', () => {
    expect(read({ status: 'Done', page: '3', q: 'nightly' })).toEqual({ status: 'Done', page: 3, q: 'nightly' });
    expect(read({})).toEqual(DEFAULT_LIST_QUERY);
  });

  it('falls back to the default for anything a hand-edited URL gets wrong', () => {
    expect(read({ status: 'done', page: '0' })).toEqual(DEFAULT_LIST_QUERY);
    for (const page of ['-1', '1.5', 'two', '1000001', '']) expect({ page, read: read({ page }).page }).toEqual({ page, read: 1 });
    expect(read({ page: '1000000' }).page).toBe(1_000_000);
  });

  it('cuts a search to what the server accepts, so a long link still lists', () => {
    const long = 'x'.repeat(SEARCH_QUERY_MAX_LENGTH + 50);
    expect(read({ q: long }).q).toBe('x'.repeat(SEARCH_QUERY_MAX_LENGTH));
  });

  it('leaves the defaults out of the URL and trims the search', () => {
    expect(toQueryParams(DEFAULT_LIST_QUERY)).toEqual({ status: null, page: null, q: null });
    expect(toQueryParams({ status: 'Open', page: 2, q: ' nightly ' })).toEqual({ status: 'Open', page: 2, q: 'nightly' });
    expect(toQueryParams({ status: 'All', page: 1, q: '   ' })).toEqual({ status: null, page: null, q: null });
  });

  it('reads back what it writes', () => {
    const query = { status: 'Done' as const, page: 7, q: 'weekly' };
    const params = Object.fromEntries(Object.entries(toQueryParams(query)).map(([k, v]) => [k, String(v)]));
    expect(read(params)).toEqual(query);
  });

  it('asks the server for the page: All is no status filter', () => {
    expect(listRequest({ status: 'All', page: 2, q: 'x' })).toEqual({ status: null, page: 2, limit: PAGE_LIMIT_DEFAULT, q: 'x' });
    expect(listRequest({ status: 'Open', page: 1, q: '' }, 50)).toEqual({ status: 'Open', page: 1, limit: 50, q: '' });
  });
});

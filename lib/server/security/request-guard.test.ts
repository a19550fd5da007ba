import { describe, expect, it } from 'vitest';
import { normalisedPath, unservableRequest } from './request-guard';

describe('request guard', () => {
  it('normalises every spelling of a path to the one routing reads', () => {
    for (const target of [
      '/api/stream',
      '/api/./stream',
      '/api/../api/stream',
      '/api/%2e%2e/api/stream',
      '/api/%73tream',
      '//api//stream/',
      '/api/stream?feeds=any',
      'http://elsewhere/api/stream',
      '/x/../../api/stream',
    ]) {
      expect(normalisedPath(target), target).toBe('/api/stream');
    }
    expect(normalisedPath('/api/streams')).toBe('/api/streams');
    expect(normalisedPath('*')).toBe('/*');
  });

  it('answers what Next cannot represent with 4xx JSON, and lets everything else through', () => {
    expect(unservableRequest('TRACE', '/')).toMatchObject({ status: 405 });
    expect(unservableRequest('track', '/api/health')).toMatchObject({ status: 405 });
    expect(unservableRequest('CONNECT', 'example.com:443')).toMatchObject({ status: 405 });
    const bad = unservableRequest('GET', '/api/%E0%A4%A');
    expect(bad).toMatchObject({ status: 400 });
    expect(JSON.parse(bad!.body)).toEqual({ error: { code: 'bad_path', message: expect.any(String) } });
    expect(unservableRequest('GET', '/api/stream%zz')).toMatchObject({ status: 400 });
    expect(unservableRequest('OPTIONS', '*')).toMatchObject({ status: 400 });
    expect(unservableRequest('GET', 'http://elsewhere/api/health')).toBeNull();
    expect(unservableRequest('GET', '/api/stream?x=%E0')).toBeNull(); // the query is the route's to judge
    expect(unservableRequest('PROPFIND', '/api/health')).toBeNull();
    expect(unservableRequest('GET', '/api/caf%C3%A9')).toBeNull();
  });
});

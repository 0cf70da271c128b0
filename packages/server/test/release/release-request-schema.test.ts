/** The API/CLI edge schema of a release request and its conversion to the service's request. */
import { describe, expect, it } from 'vitest';
import { ReleaseRequestBodySchema, toReleaseRequest } from '../../src/release/release-request-schema.js';

describe('ReleaseRequestBodySchema', () => {
  it('accepts a full request and turns it into a service request; refuses unknown keys and resolutions finer than 7', () => {
    const body = ReleaseRequestBodySchema.parse({ partner: 'p', kind: 'aggregate', epsilon: 1, period: { from: '2020-01-01', to: '2021-01-01' }, groupings: { levels: ['province', 'district'] } });
    const req = toReleaseRequest(body, '/tmp/x', { id: 'u', from: 'api' });
    expect(req).toEqual({ partner: 'p', kind: 'aggregate', epsilon: 1, period: { from: '2020-01-01', to: '2021-01-01' }, groupings: { levels: ['province', 'district'] }, out: '/tmp/x', approvedBy: { id: 'u', from: 'api' } });
    expect(ReleaseRequestBodySchema.safeParse({ ...body, extra: 1 }).success).toBe(false);
    expect(ReleaseRequestBodySchema.safeParse({ ...body, kind: 'microdata', microdata: { place: 'h3', h3Resolution: 8 } }).success).toBe(false);
  });
});

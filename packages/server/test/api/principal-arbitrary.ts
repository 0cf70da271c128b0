/**
 * fast-check arbitraries shared by the list's need-to-know property tests: users of every role,
 * clearance and district scope, over a few districts and ids (so one id comes back with other
 * attributes, as an account changed between requests).
 */
import fc from 'fast-check';
import type { Classification } from '@baseerat/engine';
import { ROLES, type Principal } from '../../src/security/policy-engine.js';

export const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];
export const DISTRICTS = ['Quetta', 'Gwadar', 'Kech', 'Zhob'];

export const userArb: fc.Arbitrary<Principal> = fc.record({
  id: fc.constantFrom('u1', 'u2', 'u3'),
  role: fc.constantFrom(...ROLES),
  clearance: fc.constantFrom(...LEVELS),
  compartments: fc.constantFrom([], ['CT']),
  districts: fc.option(fc.subarray(DISTRICTS, { minLength: 1 }), { nil: null, freq: 2 }),
}).map((u): Principal => ({ ...u, active: true }));

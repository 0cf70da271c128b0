/** engine/random: seeded pseudo-random generation (sfc32) and distributions. Imports only engine/domain. */
export * from './seeded-rng.js';

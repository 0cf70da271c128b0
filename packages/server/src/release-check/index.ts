/**
 * release-check: the independent checker every research release passes before it leaves. It reads
 * the released files themselves and re-derives what it checks. It must not import engine/src/privacy
 * or server/src/release (the generator): a shared bug would hide from both.
 */
export * from './csv-reader.js';
export * from './normalise-value.js';
export * from './check-microdata.js';
export * from './check-aggregate.js';

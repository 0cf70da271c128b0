/** Readers: bytes -> rows with raw text and line, never throwing on bad input. */
export * from './types.js';
export * from './lines.js';
export * from './csv-reader.js';
export * from './ndjson-reader.js';
export * from './geojson-reader.js';

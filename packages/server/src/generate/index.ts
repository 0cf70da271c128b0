/**
 * server/generate: writes the synthetic multi-agency feed (engine/synth) to files, with the
 * shipped district polygons and gazetteer. May import the engine and Node built-ins.
 */
export * from './district-polygons.js';
export * from './write-feed.js';

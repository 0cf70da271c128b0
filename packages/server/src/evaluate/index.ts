/** evaluate/: the measure-evaluation service over the store (engine/evaluate does the statistics). */
export * from './evaluate-service.js';

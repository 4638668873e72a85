export * from './limits.js';
export * from './story.js';
export * from './stats.js';
export * from './api.js';
export * from './latency.js';
export * from './headers.js';
export * from './latency-sketch.js';
export * from './audit.js';

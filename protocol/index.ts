export * from './errors.js';
export * from './close-codes.js';
export * from './limits.js';
export * from './frames.js';
export * from './parse.js';
export * from './wire-size.js';
export * from './events.js';
export * from './emoji.js';

// Every aggregate's tables, re-exported for drizzle and drizzle-kit.
export * from './identity.js';
export * from './jobs.js';
export * from './objects.js';
export * from './image.js';
export * from './network.js';
export * from './fleet.js';
export * from './catalog.js';
export * from './compute.js';

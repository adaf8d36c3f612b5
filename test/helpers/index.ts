/**
 * Shared test helpers: temp dirs, bounded waits, servers (in-process and child), clients, raw sockets, CLI,
 * lookups that fail loudly.
 */
export * from './temp.js';
export * from './wait.js';
export * from './server.js';
export * from './clients.js';
export * from './raw.js';
export * from './cli.js';
export * from './store.js';
export * from './found.js';
export * from './game-window.js';
export * from './partitioned.js';

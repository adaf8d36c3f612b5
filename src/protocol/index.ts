/** The one wire protocol, shared by the server, the client library, the CLI and the web app. */
export * from './version.js';
export * from './errors.js';
export * from './entities.js';
export * from './broadcasts.js';
export * from './envelope.js';
export * from './define.js';
export * from './commands/index.js';
export * from './codec.js';
export * from './encode.js';
export * from './catalogue.js';
export * from './generation.js';
export * from './geo.js';
export * from './catch-evidence.js';

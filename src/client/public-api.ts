/** What both client entries (`truinlag/client`, `truinlag/client/browser`) export besides `connect`. */
export { TruinlagClient } from './client.js';
export { TruinlagError, CLIENT_ERROR_CODES, type ClientErrorCode } from './errors.js';
export type { ConnectionState } from './connection-state.js';
export type { ClientOptions, ConnectOptions, RequestOptions } from './options.js';

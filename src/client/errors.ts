import type { ErrorCode, ErrorDetails, ProtocolError } from '../protocol/errors.js';

/** Failures that happen in the client rather than on the server. */
export const CLIENT_ERROR_CODES = {
  DISCONNECTED: 'The connection was lost before the response arrived.',
  TIMEOUT: 'No response within the request timeout.',
  CLOSED: 'The client was closed.',
} as const;
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** The one error type a request rejects with: a server error code or a client-side one. */
export class TruinlagError extends Error {
  override readonly name = 'TruinlagError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  static fromProtocol(error: ProtocolError): TruinlagError {
    return new TruinlagError(error.code, error.message, error.details);
  }

  static client(code: ClientErrorCode): TruinlagError {
    return new TruinlagError(code, CLIENT_ERROR_CODES[code]);
  }
}

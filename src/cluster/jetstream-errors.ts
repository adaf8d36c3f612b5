import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/**
 * True when JetStream refused a write because the stream (or the key) has moved on since the sequence
 * the writer expected: the compare of a compare-and-set failed.
 */
export function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/**
 * A part's key (`partKey` in src/engine/parts.ts: `global`, `session:<id>`) as a NATS token: `global`,
 * `session.<id>`. Subjects and KV keys allow no `:`, so the part's log subject and its lease key are
 * spelled with this token. Any other key is a bug of the caller: it throws.
 */
export function partToken(part: string): string {
  if (part === 'global') return part;
  const session = /^session:(\d+)$/.exec(part)?.[1];
  if (session === undefined) throw new Error(`"${part}" is not a part's key.`);
  return `session.${session}`;
}

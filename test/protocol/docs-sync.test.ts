import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { protocolDocSections, renderProtocolDoc } from '../../scripts/protocol-doc.js';
import { renderSessionCommands, SESSION_COMMANDS_FILE } from '../../scripts/session-commands.js';
import { COMMAND_DEFS } from '../../src/protocol/index.js';

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

  it('lists every command and error code as generated (run `npm run protocol:schema` after a change)', () => {
    expect(renderProtocolDoc(doc, protocolDocSections())).toBe(doc);
  });

  it('has a JSON Schema for every wire command', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../docs/protocol.schema.json', import.meta.url), 'utf8'),
    ) as {
      commands: Record<string, unknown>;
    };
    const wire = COMMAND_DEFS.filter((def) => def.access !== 'internal').map((def) => def.type);
    expect(Object.keys(schema.commands).sort()).toEqual([...wire].sort());
  });

  it('has the session-scoped commands listed as generated (src/protocol/session-commands.ts)', () => {
    expect(readFileSync(SESSION_COMMANDS_FILE, 'utf8')).toBe(renderSessionCommands());
  });
});

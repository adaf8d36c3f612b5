/**
 * Writes docs/protocol.schema.json: JSON Schema (draft 2020-12) for every message of the wire protocol,
 * so that clients in other languages can be written against it (PROTOCOL-1).
 * Run with `npm run protocol:schema`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import {
  broadcastEventSchema,
  clientMessageSchema,
  COMMAND_DEFS,
  PROTOCOL_VERSION,
  protocolErrorSchema,
  serverMessageSchema,
  ERROR_CODES,
} from '../src/protocol/index.js';
import { protocolDocSections, renderProtocolDoc } from './protocol-doc.js';
import { renderSessionCommands, SESSION_COMMANDS_FILE } from './session-commands.js';

const commands = Object.fromEntries(
  COMMAND_DEFS.filter((def) => def.access !== 'internal').map((def) => [
    def.type,
    {
      summary: def.summary,
      scope: def.scope,
      access: def.access,
      command: z.toJSONSchema(def.schema, { io: 'input', unrepresentable: 'any' }),
      result: z.toJSONSchema(def.result, { io: 'output', unrepresentable: 'any' }),
    },
  ]),
);

const document = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'truinlag wire protocol',
  protocolVersion: PROTOCOL_VERSION,
  clientMessage: z.toJSONSchema(clientMessageSchema, { io: 'input', unrepresentable: 'any' }),
  serverMessage: z.toJSONSchema(serverMessageSchema, { io: 'output', unrepresentable: 'any' }),
  broadcastEvent: z.toJSONSchema(broadcastEventSchema, { io: 'output', unrepresentable: 'any' }),
  error: z.toJSONSchema(protocolErrorSchema, { io: 'output', unrepresentable: 'any' }),
  errorCodes: ERROR_CODES,
  commands,
};

const target = new URL('../docs/protocol.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname} (${Object.keys(commands).length} commands)\n`);

const docPath = new URL('../docs/protocol.md', import.meta.url);
writeFileSync(docPath, renderProtocolDoc(readFileSync(docPath, 'utf8'), protocolDocSections()));
process.stdout.write(`updated ${docPath.pathname}\n`);

writeFileSync(SESSION_COMMANDS_FILE, renderSessionCommands());
process.stdout.write(`wrote ${SESSION_COMMANDS_FILE.pathname}\n`);

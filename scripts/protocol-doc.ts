import { COMMAND_DEFS, ERROR_CODES } from '../src/protocol/index.js';

/** The generated sections of docs/protocol.md: the error table and the command table. */
export function protocolDocSections(): Record<string, string> {
  return {
    errors: [
      '| code | message |',
      '|---|---|',
      ...Object.entries(ERROR_CODES).map(([code, message]) => `| \`${code}\` | ${message} |`),
    ].join('\n'),
    commands: [
      '| command | scope | access | what it does |',
      '|---|---|---|---|',
      ...COMMAND_DEFS.map((def) => `| \`${def.type}\` | ${def.scope} | ${def.access} | ${def.summary} |`),
    ].join('\n'),
  };
}

/** Replaces each generated section `<!-- name:start -->…<!-- name:end -->` of a Markdown text. */
export function renderProtocolDoc(text: string, sections: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const pattern = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
    out = out.replace(pattern, `<!-- ${name}:start -->\n${body}\n<!-- ${name}:end -->`);
  }
  return out;
}

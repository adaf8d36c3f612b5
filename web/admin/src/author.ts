import type { Author } from '../../../src/protocol/authors.js';

/** Who ran a command (AUTH-7), as the dashboard names them: a game master by their account's name. */
export function authorName(author: Author): string {
  switch (author.kind) {
    case 'gameMaster':
      return author.name;
    case 'owner':
      return 'the owner';
    case 'player':
      return `player ${author.player}`;
    case 'guest':
      return 'a guest';
    case 'engine':
      return 'the engine';
  }
}

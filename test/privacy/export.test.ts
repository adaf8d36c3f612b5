import { afterEach, describe, expect, it } from 'vitest';
import { closeClients, openClient, removeTempDirs, stopTestServers } from '../helpers/index.js';
import { playedGame } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[PRIVACY-3] a player exports their own data', () => {
  it('[PRIVACY-3] as JSON: the player, their pictures, their team and the games they played with their track', async () => {
    const game = await playedGame();
    const phone = await openClient({ url: game.server.url, token: game.world.tokens.a0 });
    const data = await phone.request({ type: 'player.export', id: game.player });
    expect(data.player).toMatchObject({ id: game.player, name: game.name, phone: game.phone });
    expect(data.pictures.map((p) => p.id).sort()).toEqual([...game.pictures].sort());
    expect(data.team?.id).toBe(game.world.teams.a);
    expect(data.games).toHaveLength(1);
    expect(data.games[0]?.team.track.map((p) => p.lat)).toEqual([47.123456]);
    // Nothing secret: no passphrase digest, no token.
    const text = JSON.stringify(data);
    expect(text).not.toMatch(/passphrase|sealed:|token/);
    // The game master exports anyone's.
    const other = await game.owner.request({ type: 'player.export', id: game.world.players.b0 });
    expect(other.player.id).toBe(game.world.players.b0);
  }, 60_000);

  it('[PRIVACY-3] a player cannot export another player', async () => {
    const game = await playedGame();
    const phone = await openClient({ url: game.server.url, token: game.world.tokens.a0 });
    await expect(phone.request({ type: 'player.export', id: game.world.players.b0 })).rejects.toMatchObject({
      code: 'UNAUTHORISED',
    });
  }, 60_000);
});

import type { Team } from '../game/types.js';
import { t } from '../i18n/i18n.js';

/** A team's colour as CSS. */
export const colourOf = (team: Pick<Team, 'colour'>): string =>
  `rgb(${team.colour.r} ${team.colour.g} ${team.colour.b})`;

/** A team's colour dot and name. */
export function TeamName({ team, own }: { team: Team; own?: boolean }) {
  return (
    <span class="row">
      <span class="swatch" style={{ background: colourOf(team) }} aria-hidden="true" />
      <span>
        {team.name}
        {own === true ? ` (${t.value.you})` : ''}
      </span>
    </span>
  );
}

export const roleText = (team: Team): string => (team.role === 'Runner' ? t.value.runner : t.value.catcher);

/** A proof photo's thumbnail, read from the engine with the player's token (same origin). */
export function PictureThumb({ id, token, alt }: { id: number; token: string; alt: string }) {
  return (
    <img
      class="thumb"
      src={`/pictures/${id}/thumb?token=${encodeURIComponent(token)}`}
      alt={alt}
      loading="lazy"
    />
  );
}

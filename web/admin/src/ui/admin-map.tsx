import { useSignalEffect } from '@preact/signals';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { freshnessOf } from '../../../src/map/freshness.js';
import { addBaseMap, ZURICH } from '../../../src/map/live-map.js';
import { now } from '../../../src/ui/clock.js';
import { colourOf } from '../../../src/ui/common.js';
import type { Desk, MarkedTeam, TrackPoint } from '../desk.js';

/**
 * A team's marker: its colour, its role's letter, a ring while in grace, and its position's freshness at
 * `at`; its coordinates are on the element too (data-lat, data-lon), so what the map shows can be read.
 */
export function markerFor(team: MarkedTeam, at: number): L.Marker | undefined {
  const location = team.location;
  if (location === null) return undefined;
  const freshness = freshnessOf(location.timestamp, at);
  const grace = team.graceUntil !== null && team.graceUntil > at;
  const label = `${team.name} — ${team.role}${grace ? ' in grace' : ''} — ${freshness}`;
  const icon = L.divIcon({
    className: '',
    html:
      `<div class="team-marker ${freshness}${grace ? ' grace' : ''}" data-team="${team.id}" ` +
      `data-lat="${location.lat}" data-lon="${location.lon}" ` +
      `style="background:${colourOf(team)}">${team.role === 'Catcher' ? 'C' : 'R'}</div>`,
    iconSize: [26, 26],
    iconAnchor: [13, 13],
  });
  return L.marker([location.lat, location.lon], {
    icon,
    title: label,
    alt: label,
    keyboard: true,
  }).bindTooltip(team.name, { permanent: true, direction: 'right', offset: [14, 0] });
}

/** A team's track in its colour, from the point reported at `from` on (none with fewer than 2 points). */
export function trackFor(
  team: MarkedTeam,
  track: readonly TrackPoint[],
  from: number,
): L.Polyline | undefined {
  const points = track.filter((p) => p.timestamp >= from).map((p) => [p.lat, p.lon] as L.LatLngTuple);
  if (points.length < 2) return undefined;
  return L.polyline(points, {
    color: colourOf(team),
    weight: 3,
    opacity: 0.7,
    interactive: false,
    className: `team-track team-track-${team.id}`,
  });
}

/**
 * Every team of the session on the offline base map (the player app's), with tracks of the last
 * `trackMs` (0: none) and, when `follow` names a team, the map kept centred on it.
 */
export function AdminMap({
  desk,
  trackMs,
  follow,
}: {
  desk: Desk;
  trackMs: number;
  follow: number | undefined;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | undefined>(undefined);
  const teamLayer = useRef(L.layerGroup());
  const trackLayer = useRef(L.layerGroup());
  const options = useRef({ trackMs, follow });
  options.current = { trackMs, follow };

  useEffect(() => {
    if (element.current === null) return undefined;
    const created = L.map(element.current, { zoomSnap: 0.25, attributionControl: false });
    addBaseMap(created);
    created.fitBounds(ZURICH);
    trackLayer.current.addTo(created);
    teamLayer.current.addTo(created);
    map.current = created;
    // The pane gets its size from the layout after mounting: fit the city again once it has one.
    const resized = new ResizeObserver(() => {
      created.invalidateSize();
      if (options.current.follow === undefined) created.fitBounds(ZURICH);
    });
    resized.observe(element.current);
    return () => {
      resized.disconnect();
      created.remove();
    };
  }, []);

  const draw = (): void => {
    const teams = desk.view.value?.state.teams ?? [];
    const tracks = desk.tracks.value;
    const at = now.value;
    const { trackMs: keep, follow: followed } = options.current;
    teamLayer.current.clearLayers();
    trackLayer.current.clearLayers();
    for (const team of teams) {
      if (keep > 0) trackFor(team, tracks.get(team.id) ?? [], at - keep)?.addTo(trackLayer.current);
      markerFor(team, at)?.addTo(teamLayer.current);
    }
    const location = teams.find((t) => t.id === followed)?.location;
    if (location != null) map.current?.panTo([location.lat, location.lon], { animate: false });
  };
  useSignalEffect(draw);
  useEffect(draw, [trackMs, follow]);

  return <div ref={element} class="map" role="region" aria-label="Map of the teams" data-map />;
}

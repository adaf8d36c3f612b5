import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { addBaseMap, ZURICH } from '../../../src/map/live-map.js';
import type { PastEvent, PastGame, TeamAt } from '../replay.js';
import { markerFor, trackFor } from './admin-map.js';

/** A short game's tracks fill the map no closer than this, so the places around them show too. */
const AREA_MAX_ZOOM = 13;

/** An event of the replay with the words that describe it. */
export interface EventShown {
  readonly event: PastEvent;
  readonly text: string;
}

/** Where an event happened, if its team's position was known: a dot, red for a catch, yellow else. */
function eventDot({ event, text }: EventShown): L.CircleMarker | undefined {
  if (event.location === null) return undefined;
  return L.circleMarker([event.location.lat, event.location.lon], {
    radius: 7,
    weight: 2,
    color: '#1b1f1d',
    fillColor: event.type === 'caught' ? '#d62828' : '#f5b700',
    fillOpacity: 0.9,
    className: `replay-event replay-event-${event.type}`,
  }).bindTooltip(text);
}

/** The area every track of the game covers (the city when nothing was tracked). */
function boundsOf(past: PastGame): L.LatLngBoundsExpression {
  const points = past.teams.flatMap((t) => t.track.map((p) => [p.lat, p.lon] as L.LatLngTuple));
  return points.length === 0 ? ZURICH : L.latLngBounds(points).pad(0.2);
}

/**
 * A past game on the offline base map at one moment: each team's marker where it was then, its track up
 * to then, and where the events until then happened. The map shows the area of the whole game, so it
 * stays still while the moment moves.
 */
export function ReplayMap({
  past,
  teams,
  events,
  at,
}: {
  past: PastGame;
  teams: readonly TeamAt[];
  events: readonly EventShown[];
  at: number;
}) {
  const element = useRef<HTMLDivElement>(null);
  const layer = useRef(L.layerGroup());

  useEffect(() => {
    if (element.current === null) return undefined;
    const created = L.map(element.current, { zoomSnap: 0.25, attributionControl: false });
    addBaseMap(created);
    layer.current.addTo(created);
    // The pane gets its size from the layout after mounting: fit the game's area again once it has one.
    const resized = new ResizeObserver(() => {
      created.invalidateSize();
      created.fitBounds(boundsOf(past), { maxZoom: AREA_MAX_ZOOM });
    });
    resized.observe(element.current);
    return () => {
      resized.disconnect();
      created.remove();
    };
  }, [past]);

  useEffect(() => {
    layer.current.clearLayers();
    for (const shown of events) eventDot(shown)?.addTo(layer.current);
    for (const { team, track } of teams) {
      trackFor(team, track, -Infinity)?.addTo(layer.current);
      markerFor(team, at)?.addTo(layer.current);
    }
    // The effect runs after the slider's moment is shown: say which moment the map now shows.
    element.current?.setAttribute('data-drawn-at', String(at));
  }, [teams, events, at]);

  return <div ref={element} class="map" role="region" aria-label="Map of the replay" data-replay-map />;
}

import { useSignalEffect } from '@preact/signals';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { feature, mesh } from 'topojson-client';
import topology from 'virtual:zurich-map';
import type { Team } from '../game/types.js';
import { t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from '../ui/clock.js';
import { colourOf, roleText } from '../ui/common.js';
import { freshnessOf } from './freshness.js';

/** The city of Zürich, where the map opens while the phone's own position is unknown. */
export const ZURICH: L.LatLngBoundsExpression = [
  [47.32, 8.45],
  [47.43, 8.62],
];

/** The base map drawn from the bundled TopoJSON: lakes, canton borders, municipality borders. */
export function addBaseMap(map: L.Map): void {
  const water = getComputedStyle(document.documentElement).colorScheme.includes('dark')
    ? '#1f4e6b'
    : '#a9d3f0';
  const objects = topology.objects;
  if (objects.lakes !== undefined)
    L.geoJSON(feature(topology, objects.lakes), {
      style: { color: water, weight: 1, fillColor: water, fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
  if (objects.municipalities !== undefined)
    L.geoJSON(mesh(topology, objects.municipalities as never), {
      style: { color: '#8a958f', weight: 0.6, opacity: 0.7 },
      interactive: false,
    }).addTo(map);
  if (objects.cantons !== undefined)
    L.geoJSON(mesh(topology, objects.cantons as never), {
      style: { color: '#5b6660', weight: 2 },
      interactive: false,
    }).addTo(map);
}

/** A team's marker: its colour, its name, its role and how fresh its position is. */
function markerFor(team: Team, nowMs: number): L.Marker | undefined {
  const location = team.location;
  if (location === null) return undefined;
  const freshness = freshnessOf(location.timestamp, nowMs);
  const label = `${team.name} — ${roleText(team)} — ${t.value.freshness[freshness]}`;
  const icon = L.divIcon({
    className: '',
    html: `<div class="team-marker ${freshness}" style="width:22px;height:22px;background:${colourOf(team)}"></div>`,
    iconSize: [22, 22],
    iconAnchor: [11, 11],
  });
  return L.marker([location.lat, location.lon], {
    icon,
    title: label,
    alt: label,
    keyboard: true,
  }).bindTooltip(team.name, { permanent: true, direction: 'right', offset: [12, 0] });
}

/**
 * The live map: the offline base map, an optional tile layer (only if the server names one: by default the
 * app asks no other host for anything), the teams' markers exactly as the server sent them, and the
 * phone's own track.
 */
export function LiveMap({ phone, tileUrl }: { phone: Phone; tileUrl: string | null }) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | undefined>(undefined);
  const teamLayer = useRef(L.layerGroup());
  const ownLayer = useRef(L.layerGroup());

  useEffect(() => {
    if (element.current === null) return undefined;
    const created = L.map(element.current, {
      zoomControl: true,
      zoomSnap: 0.25,
      attributionControl: tileUrl !== null,
    });
    if (tileUrl !== null) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(created);
    addBaseMap(created);
    const fix = phone.ownFix.peek();
    if (fix === undefined) created.fitBounds(ZURICH);
    else created.setView([fix.lat, fix.lon], 12);
    teamLayer.current.addTo(created);
    ownLayer.current.addTo(created);
    map.current = created;
    return () => created.remove();
  }, [tileUrl]);

  useSignalEffect(() => {
    const teams = phone.view.value?.state.teams ?? [];
    const nowMs = now.value;
    teamLayer.current.clearLayers();
    for (const team of teams) markerFor(team, nowMs)?.addTo(teamLayer.current);
  });

  useSignalEffect(() => {
    const track = phone.track.value;
    const fix = phone.ownFix.value;
    ownLayer.current.clearLayers();
    if (track.length > 1)
      L.polyline(
        track.map((p) => [p.lat, p.lon] as L.LatLngTuple),
        { color: '#0b6e4f', weight: 3, opacity: 0.8 },
      ).addTo(ownLayer.current);
    if (fix !== undefined)
      L.circleMarker([fix.lat, fix.lon], {
        radius: 7,
        color: '#fff',
        weight: 2,
        fillColor: '#1a73e8',
        fillOpacity: 1,
      }).addTo(ownLayer.current);
  });

  return <div ref={element} class="map" role="region" aria-label={t.value.mapTitle} />;
}

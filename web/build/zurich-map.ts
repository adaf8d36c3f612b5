import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The swiss-maps vintage the base map is cut from. */
const VINTAGE = '2024';

/** The Zürich area the game is played in (lon/lat): canton Zürich and a margin around it. */
export const ZURICH_BOUNDS = { west: 8.3, south: 47.13, east: 8.99, north: 47.72 } as const;

/** Canton Zürich's municipalities have BFS numbers below 300. */
const ZURICH_MUNICIPALITY_MAX_ID = 299;

type Arc = [number, number][];
type ArcRef = number;
interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  id?: number | string;
  arcs: ArcRef[][] | ArcRef[][][];
}
interface Topology {
  type: 'Topology';
  transform: { scale: [number, number]; translate: [number, number] };
  arcs: Arc[];
  objects: Record<string, { type: 'GeometryCollection'; geometries: Geometry[] }>;
}

const arcIndex = (ref: ArcRef): number => (ref < 0 ? ~ref : ref);

/**
 * The offline base map (issue 10): lakes, cantons and municipalities of the Zürich area, cut out of the
 * swiss-maps TopoJSON. Only the kept shapes and the arcs they use are shipped (arcs renumbered), so the
 * app draws it with topojson-client and ships a small fraction of the whole country.
 */
export function zurichMap(): Topology {
  const path = createRequire(import.meta.url).resolve(`swiss-maps/${VINTAGE}/ch-combined.json`);
  const topo = JSON.parse(readFileSync(path, 'utf8')) as Topology;
  const inArea = bboxTest(topo);
  const keep = {
    cantons: topo.objects.cantons?.geometries.filter(inArea) ?? [],
    municipalities:
      topo.objects.municipalities?.geometries.filter(
        (g) => typeof g.id === 'number' && g.id <= ZURICH_MUNICIPALITY_MAX_ID,
      ) ?? [],
    lakes: topo.objects.lakes?.geometries.filter(inArea) ?? [],
  };
  const renumber = new Map<number, number>();
  const arcs: Arc[] = [];
  const mapRef = (ref: ArcRef): ArcRef => {
    const old = arcIndex(ref);
    let next = renumber.get(old);
    if (next === undefined) {
      next = arcs.length;
      renumber.set(old, next);
      arcs.push(topo.arcs[old] as Arc);
    }
    return ref < 0 ? ~next : next;
  };
  const objects: Topology['objects'] = {};
  for (const [name, geometries] of Object.entries(keep)) {
    objects[name] = {
      type: 'GeometryCollection',
      geometries: geometries.map((g) => ({ type: g.type, id: g.id, arcs: mapRings(g, mapRef) })),
    };
  }
  return { type: 'Topology', transform: topo.transform, arcs, objects };
}

function mapRings(g: Geometry, mapRef: (ref: ArcRef) => ArcRef): Geometry['arcs'] {
  if (g.type === 'Polygon') return (g.arcs as ArcRef[][]).map((ring) => ring.map(mapRef));
  return (g.arcs as ArcRef[][][]).map((polygon) => polygon.map((ring) => ring.map(mapRef)));
}

/** Whether any point of a geometry lies inside the Zürich area (arcs are quantised and delta-encoded). */
function bboxTest(topo: Topology): (g: Geometry) => boolean {
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcInside = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.some(([dx, dy]) => {
      x += dx;
      y += dy;
      const lon = x * sx + tx;
      const lat = y * sy + ty;
      return (
        lon >= ZURICH_BOUNDS.west &&
        lon <= ZURICH_BOUNDS.east &&
        lat >= ZURICH_BOUNDS.south &&
        lat <= ZURICH_BOUNDS.north
      );
    });
  });
  const refs = (g: Geometry): ArcRef[] =>
    g.type === 'Polygon' ? (g.arcs as ArcRef[][]).flat() : (g.arcs as ArcRef[][][]).flat(2);
  return (g) => refs(g).some((ref) => arcInside[arcIndex(ref)] === true);
}

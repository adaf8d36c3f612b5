declare module 'virtual:zurich-map' {
  import type { Topology } from 'topojson-specification';
  /** The offline base map: lakes, cantons and municipalities of the Zürich area (web/build/zurich-map.ts). */
  const topology: Topology;
  export default topology;
}

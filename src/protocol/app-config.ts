/** What the player app learns from its server at start (`GET /app-config.json`, same origin, no CORS). */
export interface AppConfig {
  /** A raster tile URL template (`{z}/{x}/{y}`); null: only the offline base map, no outside request. */
  readonly tileUrl: string | null;
}

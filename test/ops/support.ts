/** A `/metrics` answer: its status and body. */
export interface Scrape {
  readonly status: number;
  readonly text: string;
}

/** GETs `/metrics` of the server behind a `ws://` URL, with the admin token (or any token) when given. */
export async function scrape(
  wsUrl: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<Scrape> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${wsUrl.replace('ws://', 'http://')}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
}

/**
 * The value of one sample in Prometheus text: `name` with exactly these labels (none: the unlabelled
 * sample). Undefined when the text has no such sample.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
}

/** Short, easy-to-type words: a generated passphrase is three of them and a number. */
const WORDS = [
  'apfel',
  'berg',
  'brugg',
  'dach',
  'eiche',
  'fluss',
  'gleis',
  'hafen',
  'insel',
  'kiesel',
  'linde',
  'mond',
  'nebel',
  'ofen',
  'perron',
  'quelle',
  'rhein',
  'sonne',
  'tram',
  'ufer',
  'vogel',
  'wald',
  'zug',
  'bahn',
  'fähre',
  'glocke',
  'hügel',
  'kompass',
  'laterne',
  'moos',
  'nord',
  'pfad',
  'rabe',
  'see',
  'turm',
  'weide',
] as const;

/** A new random passphrase (about 35 bits: enough for a game day, typed on a phone). */
export function generatePassphrase(random: (n: number) => number = secureRandom): string {
  const words = [0, 1, 2].map(() => WORDS[random(WORDS.length)] as string);
  return `${words.join('-')}-${10 + random(90)}`;
}

/** A uniform integer in [0, n) from the browser's cryptographic random source. */
function secureRandom(n: number): number {
  const values = new Uint32Array(1);
  crypto.getRandomValues(values);
  return (values[0] as number) % n;
}

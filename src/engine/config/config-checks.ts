/**
 * The individual checks behind `validateGameConfig` (game-config.ts), one concern each. Every check is
 * pure and returns the violations it finds.
 */
import type { Violation } from '../catalogue/validation.js';
import type { GameConfig } from './game-config.js';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of an "HH:MM" string (00:00–23:59), or undefined if malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Zone numbers and set ids the config may be checked against (a {@link Catalogue} fits). */
export interface ConfigReferences {
  readonly zones: { values(): Iterable<{ readonly number: number }> };
  readonly sets: { has(id: number): boolean };
}

type NumberKey = {
  [K in keyof GameConfig]: GameConfig[K] extends number ? K : never;
}[keyof GameConfig];

interface NumberRule {
  min?: number;
  max?: number;
  /** Minimum is exclusive (e.g. a divisor). */
  positive?: boolean;
  integer?: boolean;
}

const NUMBER_RULES: Record<NumberKey, NumberRule> = {
  relativeStandardDeviation: { min: 0 },
  pointsPerKaffness: {},
  pointsPerGrade: {},
  pointsPerWalkingMinute: {},
  pointsPerStationaryMinute: {},
  travelMinutesExponent: { min: 0 },
  travelMinutesMultiplier: {},
  pointsForZoneable: {},
  zkaffPointsForDeadEnd: {},
  zkaffStationDistanceDivisor: { positive: true },
  zkaffPointsPerMinuteToHb: {},
  zkaffDeparturesExponent: { min: 0 },
  zkaffDeparturesBase: {},
  zkaffDeparturesMultiplier: {},
  fixedCutoffMult: { min: 0 },
  underdogStartingDifference: { min: 0 },
  underdogMultiplierPer1000: { min: 0 },
  perimMaxKaff: { min: 0 },
  pointsPerConnectedZoneLessThan6: {},
  pointsPerBadConnectivityIndex: {},
  pointsForNoTrain: {},
  pointsForMongus: {},
  centreZone: { min: 0, integer: true },
  numChallenges: { min: 1, max: 20, integer: true },
  regioRatio: { min: 0, max: 1 },
  numCatchers: { min: 0, integer: true },
  startZone: { min: 0, integer: true },
  gracePeriodMinutes: { min: 0 },
  catchLocationMaxAgeMinutes: { positive: true },
  bountyBasePoints: { min: 0 },
  bountyStartPoints: {},
  bountyPercentage: { min: 0, max: 1 },
  specificMinutes: { min: 0, integer: true },
  perimeterMinutes: { min: 0, integer: true },
  zkaffMinutes: { min: 0, integer: true },
  endGameMinutes: { min: 0, integer: true },
  timeWiggleMinutes: { min: 0, integer: true },
  // At least a day, so that the broadcast log (kept a day, RESUME-2) never outlives the tracks (PRIVACY-1).
  retentionDays: { min: 1, max: 3650, integer: true },
};

function checkNumber(field: string, value: unknown, rule: NumberRule): Violation | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.positive || value > 0);
  if (ok) return undefined;
  const bounds = [
    rule.integer ? 'an integer' : 'a finite number',
    rule.positive ? '> 0' : undefined,
    rule.min !== undefined ? `≥ ${rule.min}` : undefined,
    rule.max !== undefined ? `≤ ${rule.max}` : undefined,
  ].filter((s) => s !== undefined);
  return { rule: 'out-of-range', field, message: `${field} must be ${bounds.join(', ')}` };
}

/** The minute ranges need 0 ≤ start ≤ end; the ZKaff ratio range start ≤ end. */
export function checkRanges(config: GameConfig): Violation[] {
  const out: Violation[] = [];
  const minuteRanges = [
    'perimDistanceRange',
    'normalPeriodNearDistanceRange',
    'normalPeriodFarDistanceRange',
  ] as const;
  for (const field of minuteRanges) {
    const { start, end } = config[field];
    if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || start > end) {
      out.push({ rule: 'bad-range', field, message: `${field} needs 0 ≤ start ≤ end` });
    }
  }
  const { start, end } = config.zkaffRatioRange;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    out.push({ rule: 'bad-range', field: 'zkaffRatioRange', message: 'zkaffRatioRange needs start ≤ end' });
  }
  return out;
}

/** Start and end are "HH:MM" and differ (equal times would leave no game, CONFIG-3). */
export function checkTimes(config: GameConfig): Violation[] {
  const out: Violation[] = [];
  const start = parseTimeOfDay(config.startTime);
  const end = parseTimeOfDay(config.endTime);
  if (start === undefined) out.push(badTime('startTime'));
  if (end === undefined) out.push(badTime('endTime'));
  if (start !== undefined && start === end) {
    out.push({ rule: 'empty-game', field: 'endTime', message: 'endTime must differ from startTime' });
  }
  return out;
}

const badTime = (field: string): Violation => ({
  rule: 'bad-time-of-day',
  field,
  message: `${field} must be a time of day "HH:MM" (00:00–23:59)`,
});

/** Distinct positive set ids, RGB colours 0–255, non-blank fallback texts. */
export function checkListsAndTexts(config: GameConfig): Violation[] {
  const out: Violation[] = [];
  const sets = config.challengeSets;
  if (!sets.every((id) => Number.isInteger(id) && id > 0) || new Set(sets).size !== sets.length) {
    out.push({
      rule: 'bad-set-list',
      field: 'challengeSets',
      message: 'challengeSets must be distinct set ids',
    });
  }
  const channel = (c: number): boolean => Number.isInteger(c) && c >= 0 && c <= 255;
  if (
    config.teamColours.length === 0 ||
    !config.teamColours.every((c) => channel(c.r) && channel(c.g) && channel(c.b))
  ) {
    out.push({ rule: 'bad-colour', field: 'teamColours', message: 'teamColours must be RGB triples 0–255' });
  }
  for (const field of ['defaultChallengeTitle', 'defaultChallengeDescription'] as const) {
    if (config[field].trim() === '')
      out.push({ rule: 'empty-text', field, message: `${field} must not be empty` });
  }
  return out;
}

/** The centre and start zone numbers and the configured set ids exist. */
export function checkReferences(config: GameConfig, refs: ConfigReferences): Violation[] {
  const out: Violation[] = [];
  const numbers = new Set([...refs.zones.values()].map((z) => z.number));
  for (const field of ['centreZone', 'startZone'] as const) {
    if (!numbers.has(config[field])) {
      out.push({ rule: 'unknown-zone', field, message: `no zone has the number ${config[field]}` });
    }
  }
  for (const id of config.challengeSets) {
    if (!refs.sets.has(id)) {
      out.push({
        rule: 'unknown-set',
        field: 'challengeSets',
        message: `challenge set ${id} does not exist`,
      });
    }
  }
  return out;
}

/** Every numeric field against its rule in {@link NUMBER_RULES}. */
export function checkNumbers(config: GameConfig): Violation[] {
  return (Object.keys(NUMBER_RULES) as NumberKey[])
    .map((field) => checkNumber(field, config[field], NUMBER_RULES[field]))
    .filter((v) => v !== undefined);
}

/**
 * Column names of the four reference tables (IMPORT-1), in the reference order.
 * Reader and writer share them so that export → import is a fixed point.
 */

/** The challenge sheet ("UC4") columns, in the order the reference sheet has them. */
export const CHALLENGE_COLUMNS = [
  'status',
  'challenge_type',
  'sets',
  'title',
  'description',
  'place',
  'zone',
  'sector',
  'kaffskala',
  'grade',
  'bias_sat',
  'bias_sun',
  'walking_time',
  'stationary_time',
  'additional_points',
  'min_reps',
  'max_reps',
  'points_per_rep',
  'station_distance',
  'time_to_hb',
  'departures',
  'dead_end',
  'no_disembark',
  'fixed_points',
  'in_perim',
  'comment',
  'title_de_ch',
  'description_de_ch',
  'title_fr_ch',
  'description_fr_ch',
  'title_en_uk',
  'description_en_uk',
] as const;

/** Our addition: the engine's challenge id, written by export so that renamed rows still upsert. */
export const CHALLENGE_ID_COLUMN = 'id';

/** Translation languages that have columns; their keys in `translatedTitles`/`translatedDescriptions`. */
export const TRANSLATION_LANGUAGES = ['de_ch', 'fr_ch', 'en_uk'] as const;

/** Challenge columns a sheet may leave out: stored-only data (CATALOGUE-7) and our `id`. */
export const OPTIONAL_CHALLENGE_COLUMNS: readonly string[] = [
  'in_perim',
  'comment',
  ...TRANSLATION_LANGUAGES.flatMap((lang) => [`title_${lang}`, `description_${lang}`]),
  CHALLENGE_ID_COLUMN,
];

export const ZONE_COLUMNS = [
  'Zone',
  'num conn zones',
  'num connections',
  'train through',
  'Mongus',
  'sectors',
] as const;

/** Our addition: overrides the importer's hard-coded S-Bahn zone list when the column exists. */
export const ZONE_SBAHN_COLUMN = 's_bahn_zone';

export const DISTANCE_COLUMNS = ['Zone A', 'Zone B', 'Travel Time'] as const;

export const SECTOR_COLUMNS = ['sector', 'neighbours'] as const;

/** The reference importer's hard-coded S-Bahn zones, used when a zone row has no `s_bahn_zone`. */
export const DEFAULT_SBAHN_ZONES: ReadonlySet<number> = new Set([
  110, 112, 117, 120, 121, 132, 133, 134, 141, 142, 151, 154, 155, 156, 180, 181,
]);

/** The seven sets the reference importer creates when missing (IMPORT-4). */
export const STANDARD_SET_NAMES = [
  'og',
  'geso',
  'family',
  'transit_specialist',
  'off_with_the_hinges',
  'physical',
  'base',
] as const;

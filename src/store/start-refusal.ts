/**
 * Why a data directory is not opened (DURABILITY-5): the message names what is wrong and how to put it
 * right. Starting anyway would lose or hide data without a word.
 */
export class StartRefusal extends Error {
  override readonly name = 'StartRefusal';
  readonly code = 'DATA_DIRECTORY';
}

/** The sentence every refusal that means "the data is damaged or gone" ends with. */
export function restoreHint(dataDir: string): string {
  return (
    `To restore the latest backup, stop anything using ${dataDir} and run ` +
    `\`truinlag restore FILE --data ${dataDir}\` (backups from \`truinlag backup\` are in ${dataDir}/backups).`
  );
}

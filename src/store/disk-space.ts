import { statfsSync } from 'node:fs';

/** Bytes the server may still write on the file system of a folder (its data directory, PICTURE-10). */
export function freeBytesOf(dir: string): number {
  const space = statfsSync(dir);
  return space.bavail * space.bsize;
}

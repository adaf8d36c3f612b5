import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { droppedLogLines, LogSink } from '../../src/server/log-sink.js';
import { removeTempDirs, tempDir, waitFor } from '../helpers/index.js';

afterEach(() => removeTempDirs());

describe('[LOG-1] the log sink', () => {
  it('writes lines in order without blocking the caller', async () => {
    const file = join(tempDir(), 'log');
    const fd = openSync(file, 'w');
    const sink = new LogSink(fd);
    for (let i = 0; i < 100; i++) sink.write(`line ${i}\n`);
    await waitFor(() => readFileSync(file, 'utf8').split('\n').length === 101);
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('drops and counts lines it cannot write (a full disk), and keeps going', async () => {
    const fd = openSync('/dev/full', 'w');
    const sink = new LogSink(fd);
    const before = droppedLogLines();
    sink.write('one\n');
    sink.write('two\n');
    sink.write('three\n');
    await waitFor(() => droppedLogLines() === before + 3);
    sink.flushSync();
    closeSync(fd);
    expect(droppedLogLines()).toBe(before + 3);
  });
});

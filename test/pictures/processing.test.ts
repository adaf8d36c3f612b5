import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_PICTURE_BYTES } from '../../src/protocol/pictures.js';
import { processPicture, type ProcessedPicture } from '../../src/runtime/picture-process.js';
import { decoded, makeImage } from './support.js';

/** The picture job's work itself (sharp), on real images: what is accepted, what comes out. */

function accepted(result: ProcessedPicture): Extract<ProcessedPicture, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
  return result;
}

describe('processPicture', () => {
  it.each(['jpeg', 'png', 'webp'] as const)(
    'accepts %s: re-encodes it as JPEG and cuts an exactly 192×192 thumbnail',
    async (format) => {
      const result = accepted(await processPicture(await makeImage(format, 640, 360)));
      const full = result.full.data;
      const thumb = result.thumb.data;
      expect(await decoded(full)).toEqual({ format: 'jpeg', width: 640, height: 360 });
      expect(await decoded(thumb)).toEqual({ format: 'jpeg', width: 192, height: 192 });
      expect(result.full).toMatchObject({ width: 640, height: 360, bytes: full.length, mime: 'image/jpeg' });
      expect(result.thumb).toMatchObject({
        width: 192,
        height: 192,
        bytes: thumb.length,
        mime: 'image/jpeg',
      });
      expect(result.full.sha256).toBe(createHash('sha256').update(full).digest('hex'));
      expect(result.thumb.sha256).toBe(createHash('sha256').update(thumb).digest('hex'));
    },
  );

  it('[PICTURE-3] crops the thumbnail from the centre of the picture', async () => {
    // 600×200: left third red, middle third green, right third blue. The centred square is the green.
    const third = (r: number, g: number, b: number) =>
      sharp({ create: { width: 200, height: 200, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    const picture = await sharp({ create: { width: 600, height: 200, channels: 3, background: 'black' } })
      .composite([
        { input: await third(255, 0, 0), left: 0, top: 0 },
        { input: await third(0, 255, 0), left: 200, top: 0 },
        { input: await third(0, 0, 255), left: 400, top: 0 },
      ])
      .png()
      .toBuffer();
    const result = accepted(await processPicture(picture));
    const { channels } = await sharp(result.thumb.data).stats();
    const [r, g, b] = channels.map((c) => c.mean);
    expect(g).toBeGreaterThan(200);
    expect(r).toBeLessThan(40);
    expect(b).toBeLessThan(40);
  });

  it('[PICTURE-3] turns a photo upright by its EXIF orientation and drops the metadata', async () => {
    // Stored 400×200, but the camera says "rotate 90°": the picture is 200×400.
    const photo = await makeImage('jpeg', 400, 200, { orientation: 6 });
    expect((await sharp(photo).metadata()).orientation).toBe(6);
    const result = accepted(await processPicture(photo));
    const full = result.full.data;
    expect(result.full).toMatchObject({ width: 200, height: 400 });
    const meta = await sharp(full).metadata();
    expect({
      width: meta.width,
      height: meta.height,
      orientation: meta.orientation,
      exif: meta.exif,
    }).toEqual({
      width: 200,
      height: 400,
      orientation: undefined,
      exif: undefined,
    });
  });

  it('[PICTURE-3] scales large pictures down to 4096 pixels on the longer side, never up', async () => {
    const big = accepted(await processPicture(await makeImage('png', 5000, 2500)));
    expect(big.full).toMatchObject({ width: 4096, height: 2048 });
    const small = accepted(await processPicture(await makeImage('png', 50, 40)));
    expect(small.full).toMatchObject({ width: 50, height: 40 });
    expect(small.thumb).toMatchObject({ width: 192, height: 192 });
  });

  it('puts transparent pixels on white', async () => {
    const result = accepted(await processPicture(await makeImage('png', 100, 100, { alpha: true })));
    const { channels } = await sharp(result.full.data).stats();
    expect(channels.map((c) => Math.round(c.mean))).toEqual([255, 255, 255]);
  });

  it('[PICTURE-2] refuses a file that is not a picture, with PICTURE_PROBLEM', async () => {
    const result = await processPicture(Buffer.from('%PDF-1.4 this is not a picture at all'));
    expect(result).toEqual({
      ok: false,
      code: 'PICTURE_PROBLEM',
      message: 'The file is not a picture the server can read (JPEG, PNG or WebP).',
    });
  });

  it('[PICTURE-2] refuses other image formats (decided by decoding), naming the format', async () => {
    const result = await processPicture(await makeImage('gif', 64, 64));
    expect(result).toEqual({
      ok: false,
      code: 'PICTURE_PROBLEM',
      message: 'Only JPEG, PNG and WebP pictures are accepted; this is GIF.',
    });
  });

  it.each(['jpeg', 'png', 'webp'] as const)('refuses a truncated %s with PICTURE_PROBLEM', async (format) => {
    const whole = await makeImage(format, 300, 300, { noise: true });
    const result = await processPicture(whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ code: 'PICTURE_PROBLEM' });
    if (!result.ok) expect(result.message).toMatch(/damaged or incomplete|not a picture/);
  });

  it('refuses an empty file', async () => {
    expect(await processPicture(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'PICTURE_PROBLEM' });
  });

  it('[PICTURE-2] refuses files over 10 MiB with TOO_LARGE, before decoding', async () => {
    const result = await processPicture(Buffer.alloc(MAX_PICTURE_BYTES + 1, 0xff));
    expect(result).toEqual({
      ok: false,
      code: 'TOO_LARGE',
      message: 'The picture is 10 MiB; at most 10 MiB are accepted.',
    });
  });

  it('[PICTURE-2] refuses pictures over 64 megapixels with TOO_LARGE (a small file can hold many pixels)', async () => {
    const huge = await makeImage('png', 8200, 8200);
    expect(huge.length).toBeLessThan(MAX_PICTURE_BYTES);
    const result = await processPicture(huge);
    expect(result).toEqual({
      ok: false,
      code: 'TOO_LARGE',
      message: 'The picture has 67.2 megapixels (8200×8200); at most 64 megapixels are accepted.',
    });
  });
});

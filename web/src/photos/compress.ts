/** The longest side of an uploaded photo: enough to see the proof, small enough for a train's 3G. */
export const MAX_SIDE_PX = 1600;
/** The size a photo is compressed towards. */
export const TARGET_BYTES = 500 * 1024;
const THUMB_PX = 160;

export interface CompressedPhoto {
  readonly photo: Blob;
  /** A small JPEG data URL for lists. */
  readonly thumb: string;
}

/**
 * Shrinks a camera photo in the browser before it is stored and uploaded: turned upright, long side at
 * most 1600 px, JPEG at the highest quality that stays under about 500 kB.
 */
export async function compressPhoto(file: Blob): Promise<CompressedPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, MAX_SIDE_PX / Math.max(bitmap.width, bitmap.height));
    let photo: Blob | undefined;
    for (const quality of [0.85, 0.75, 0.65, 0.55, 0.45]) {
      photo = await draw(bitmap, scale, 'image/jpeg', quality);
      if (photo.size <= TARGET_BYTES) break;
    }
    const thumbScale = Math.min(1, THUMB_PX / Math.max(bitmap.width, bitmap.height));
    const thumb = await dataUrl(await draw(bitmap, thumbScale, 'image/jpeg', 0.7));
    return { photo: photo as Blob, thumb };
  } finally {
    bitmap.close();
  }
}

function draw(bitmap: ImageBitmap, scale: number, type: string, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d');
  if (context === null) return Promise.reject(new Error('no 2d canvas'));
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob === null ? reject(new Error('encoding failed')) : resolve(blob)),
      type,
      quality,
    ),
  );
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

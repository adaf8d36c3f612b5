import sharp from 'sharp';

/** The app's colour (theme colour, icon background). */
export const BRAND_COLOUR = '#0f5132';

/**
 * The app icon as SVG: a pair of rails with sleepers and a location dot on a full-bleed background
 * (full bleed, so that the same picture also serves as a maskable icon).
 */
function iconSvg(size: number): string {
  const sleepers = [0.28, 0.4, 0.52, 0.64, 0.76]
    .map((y) => `<rect x="0.3" y="${y}" width="0.4" height="0.035" rx="0.01" fill="#d1e7dd"/>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 1 1">
  <rect width="1" height="1" fill="${BRAND_COLOUR}"/>
  ${sleepers}
  <rect x="0.36" y="0.22" width="0.04" height="0.6" fill="#ffffff"/>
  <rect x="0.6" y="0.22" width="0.04" height="0.6" fill="#ffffff"/>
  <circle cx="0.5" cy="0.3" r="0.1" fill="#ffc107" stroke="#ffffff" stroke-width="0.025"/>
</svg>`;
}

/** The PNG icons the manifest names, by file name. */
export async function appIcons(): Promise<Map<string, Buffer>> {
  const icons = new Map<string, Buffer>();
  for (const size of [192, 512]) {
    icons.set(
      `icons/icon-${size}.png`,
      await sharp(Buffer.from(iconSvg(size)))
        .png()
        .toBuffer(),
    );
  }
  icons.set(
    'icons/apple-touch-icon.png',
    await sharp(Buffer.from(iconSvg(180)))
      .png()
      .toBuffer(),
  );
  return icons;
}

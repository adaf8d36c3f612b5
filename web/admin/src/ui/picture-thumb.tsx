import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { PictureLoader } from '../picture-loader.js';

/**
 * A proof photo's thumbnail, read only once it scrolls into view (IntersectionObserver) through the
 * loader's bounded queue; a button that opens the full image when `open` is given.
 */
export function PictureThumb({
  id,
  loader,
  alt,
  open,
}: {
  id: number;
  loader: PictureLoader;
  alt: string;
  open?: () => void;
}) {
  const box = useRef<HTMLSpanElement>(null);
  const url = useSignal<string | undefined>(undefined);
  const failed = useSignal(false);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    let live = true;
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      loader.load(id, 'thumb').then(
        (u) => live && (url.value = u),
        () => live && (failed.value = true),
      );
    });
    seen.observe(element);
    return () => {
      live = false;
      seen.disconnect();
    };
  }, [id, loader]);
  const image =
    url.value === undefined ? (
      <span class="thumb placeholder">{failed.value ? 'not readable' : ''}</span>
    ) : (
      <img class="thumb" src={url.value} alt={alt} data-picture={id} />
    );
  return (
    <span ref={box} class="thumb-box">
      {open === undefined ? (
        image
      ) : (
        <button type="button" class="thumb-button" onClick={open} aria-label={`${alt}: full size`}>
          {image}
        </button>
      )}
    </span>
  );
}

import type { PhotoAction } from '../outbox/actions.js';
import { Unreachable, type Answer } from '../outbox/outbox.js';

/**
 * The statuses that say "not now" rather than "no": no answer (0); the upload arrived too slowly, as in
 * a tunnel (408, UPLOAD_TOO_SLOW); this player's upload slots are taken, by another device or by an
 * upload the server has not cut off yet (429, TOO_MANY_UPLOADS); a restarting, busy or unreachable
 * server (502, 503 UPLOADS_BUSY, 504).
 */
const TRY_AGAIN = new Set([0, 408, 429, 502, 503, 504]);

/**
 * Uploads a proof photo to the engine's picture route (`POST /pictures`, same origin) with the action's
 * id as its Idempotency-Key, so that a retried upload is stored once (D2). Reports upload progress.
 * Network failures and answers that say "try again" reject with Unreachable, so that the photo stays
 * queued and is sent again; every other answer is final.
 */
export function uploadPhoto(
  action: PhotoAction,
  token: string,
  progress: (fraction: number) => void,
): Promise<Answer> {
  const query = new URLSearchParams({
    kind: 'period',
    team: String(action.team),
    period: String(action.period),
  });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/pictures?${query}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Idempotency-Key', action.id);
    xhr.setRequestHeader('Content-Type', action.photo.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) progress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new Unreachable('network'));
    xhr.ontimeout = () => reject(new Unreachable('timeout'));
    xhr.onload = () => {
      if (TRY_AGAIN.has(xhr.status)) return reject(new Unreachable(`status ${xhr.status}`));
      try {
        resolve(JSON.parse(xhr.responseText) as Answer);
      } catch {
        reject(new Unreachable('unreadable answer'));
      }
    };
    xhr.send(action.photo);
  });
}

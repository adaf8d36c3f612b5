import type { PhotoAction } from '../outbox/actions.js';
import { Unreachable, type Answer } from '../outbox/outbox.js';

/**
 * Uploads a proof photo to the engine's picture route (`POST /pictures`, same origin) with the action's
 * id as its Idempotency-Key, so that a retried upload is stored once (D2). Reports upload progress.
 * Network failures and answers that say "try again" (a restarting server, a timeout) reject with
 * Unreachable; every other answer is final.
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
      if (xhr.status === 0 || xhr.status === 502 || xhr.status === 503 || xhr.status === 504)
        return reject(new Unreachable(`status ${xhr.status}`));
      try {
        resolve(JSON.parse(xhr.responseText) as Answer);
      } catch {
        reject(new Unreachable('unreadable answer'));
      }
    };
    xhr.send(action.photo);
  });
}

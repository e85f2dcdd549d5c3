import { createHmac, timingSafeEqual } from 'node:crypto';

// The bridge re-serves a customer's media under its own URL: the path names the instance and Meta's media id, and
// an HMAC of both with the instance secret makes it unguessable; the access token never appears in it.
function mac(secret: string, instanceKey: string, mediaId: string): string {
  return createHmac('sha256', secret).update(`${instanceKey}\n${mediaId}`).digest('base64url');
}

/** The path under which the bridge serves a customer's media (append to PUBLIC_URL). */
export function mediaPath(secret: string, instanceKey: string, mediaId: string, fileName: string): string {
  const parts = [instanceKey, mediaId, mac(secret, instanceKey, mediaId), fileName].map(encodeURIComponent);
  return `/channels/whatsapp/media/${parts.join('/')}`;
}

/** Whether a media path's signature is the instance's. */
export function mediaSignatureMatches(secret: string, instanceKey: string, mediaId: string, given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(mac(secret, instanceKey, mediaId));
  return a.length === b.length && timingSafeEqual(a, b);
}

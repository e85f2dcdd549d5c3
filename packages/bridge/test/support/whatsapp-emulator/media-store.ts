import { createHash, randomInt } from 'node:crypto';

/** One stored media object: what a customer sent, downloadable with the owning business's token. */
export interface StoredMedia {
  readonly id: string;
  readonly businessId: string;
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly sha256: string;
}

/** The media objects the emulated Graph API serves by id (`GET /{version}/{media-id}`) and by download URL. */
export class MediaStore {
  readonly #byId = new Map<string, StoredMedia>();

  add(businessId: string, bytes: Buffer, mimeType: string): StoredMedia {
    const id = String(1_000_000_000_000_000 + randomInt(0, 2 ** 47));
    const media = { id, businessId, bytes, mimeType, sha256: createHash('sha256').update(bytes).digest('hex') };
    this.#byId.set(id, media);
    return media;
  }

  get(id: string): StoredMedia | undefined {
    return this.#byId.get(id);
  }
}

/** The formats `amojo-bridge import` reads. */
export const IMPORT_FORMATS = ['telegram', 'whatsapp', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Who wrote a message: the customer, a manager of the business, or the channel's bot. */
export type ImportDirection = 'in' | 'out-manager' | 'out-bot';

/** A message's content as a source gives it; media are files of the export (by path) or already public URLs. */
export type ImportContent =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'picture' | 'file' | 'video' | 'voice' | 'audio' | 'sticker';
      readonly text: string;
      /** A file inside the export (relative path) or a public http(s) URL. */
      readonly media: { readonly path: string } | { readonly url: string };
      readonly fileName?: string | undefined;
      readonly fileSize?: number | undefined;
      readonly mimeType?: string | undefined;
      readonly mediaDuration?: number | undefined;
    }
  | {
      readonly type: 'location';
      readonly text: string;
      readonly location: { readonly lon: number; readonly lat: number };
    }
  | {
      readonly type: 'contact';
      readonly text: string;
      readonly contact: { readonly name: string; readonly phone: string };
    };

/** The customer of a chat. */
export interface ImportCustomer {
  /** The customer's id in the source system (stable: it becomes our participant id). */
  readonly id: string;
  readonly name: string;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
}

/** One message read from a source, before it is mapped to amojo. */
export interface ImportMessage {
  readonly kind: 'message';
  /** Where it is in the source, for the report: "line 17", "message 1203". */
  readonly position: string;
  /** The chat it belongs to, unique within the source (becomes the conversation's channel chat key). */
  readonly chatKey: string;
  /** Identity of the message within its chat and source (its own id, or a content hash where it has none). */
  readonly messageKey: string;
  readonly customer: ImportCustomer;
  readonly direction: ImportDirection;
  /** For `out-manager`: the manager as the source names them, and their amojo user id when the source has it. */
  readonly manager?: { readonly name?: string | undefined; readonly amojoId?: string | undefined } | undefined;
  /** When it was written, unix milliseconds. */
  readonly sentAt: number;
  readonly content: ImportContent;
}

/** Something of the source that is not imported, with the reason (the per-message report). */
export interface ImportProblem {
  readonly kind: 'error' | 'skipped';
  readonly position: string;
  readonly chatKey?: string | undefined;
  readonly reason: string;
}

/** What a source reader yields, in file order. */
export type ImportItem = ImportMessage | ImportProblem;

/**
 * The JSON frames of the webchat socket, shared by the server and the widget (types only, so the widget bundle
 * carries none of the server). Every frame a visitor sends after `start` carries its token, checked each time.
 */

/** A message as the widget shows it. */
export interface WebchatWireMessage {
  /** Our msgid. */
  readonly id: string;
  /** The widget's own id of a visitor message (its outbox id); absent on manager messages. */
  readonly clientId?: string;
  /** `in`: the visitor wrote it; `out`: a manager did. */
  readonly direction: 'in' | 'out';
  readonly type: string;
  readonly text: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  /** The manager's name on manager messages. */
  readonly author?: string;
  /** Unix ms. */
  readonly sentAt: number;
  /** For manager messages: whether the visitor has read it. */
  readonly read?: boolean;
  readonly reactions?: readonly string[];
  /** The visitor's own reaction on it (one per message), when they set one. */
  readonly myReaction?: string;
  /** The message this one quotes, when the bridge knows it: its id, a short text and its author. */
  readonly replyTo?: WebchatWireQuote;
  /** A message forwarded inside this one (amoCRM `forwards`): its text and who wrote it. */
  readonly forwarded?: { readonly text: string; readonly author?: string };
}

/** A quoted message as the widget shows it above the quoting one. */
export interface WebchatWireQuote {
  /** Our msgid of the quoted message (the widget scrolls to it when it has it). */
  readonly id: string;
  /** Its text (or file name), cut to 300 characters. */
  readonly text: string;
  /** The manager who wrote it; absent when the visitor did (`mine`). */
  readonly author?: string;
  readonly mine?: boolean;
}

/** One pre-chat form field as the widget needs it. */
export interface WebchatWireFormField {
  readonly ask: boolean;
  readonly required: boolean;
}

/** What the server tells a socket when it opens. */
export interface WebchatWireConfig {
  readonly title: string | null;
  readonly form: {
    readonly name: WebchatWireFormField;
    readonly phone: WebchatWireFormField;
    readonly email: WebchatWireFormField;
  };
  readonly uploads: { readonly maxBytes: number; readonly mimeTypes: readonly string[] };
  /** What the server accepts: characters of one message's text, and bytes of one frame (larger closes the socket). */
  readonly limits?: { readonly textMaxLength: number; readonly frameMaxBytes: number };
  /** Per-instance look and words (absent from older bridges: the widget's defaults apply). */
  readonly brandColor?: string | null;
  readonly greeting?: string | null;
  readonly position?: 'right' | 'left';
  readonly titles?: Readonly<Record<string, string>>;
  readonly consent?: { readonly text: string; readonly url: string | null } | null;
  /** The emoji of the reaction picker (the channel's declared set); absent: the widget offers no picker. */
  readonly reactions?: readonly string[];
}

/** A visitor's profile as sent in `start`. */
export interface WebchatWireProfile {
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}

/** Frames the widget sends. */
export type WebchatClientFrame =
  | { readonly type: 'start'; readonly profile: WebchatWireProfile }
  | { readonly type: 'hello'; readonly token: string }
  | {
      readonly type: 'send';
      readonly token: string;
      readonly clientId: string;
      readonly text?: string;
      readonly uploadId?: number;
      readonly sentAt?: number;
      /** Our msgid of a message of this chat the visitor quotes. */
      readonly replyTo?: string;
    }
  /** The visitor corrects the text of their own last message (`id`, our msgid); `eventId` as for `react`. */
  | {
      readonly type: 'edit';
      readonly token: string;
      readonly eventId: string;
      readonly id: string;
      readonly text: string;
    }
  /**
   * The visitor reacts to a manager message (`emoji`, one of the config's `reactions`) or takes their reaction back
   * (`emoji: null`); `eventId` is the widget's id of this change, so a resent frame counts once.
   */
  | {
      readonly type: 'react';
      readonly token: string;
      readonly eventId: string;
      readonly id: string;
      readonly emoji: string | null;
    }
  | { readonly type: 'typing'; readonly token: string }
  | { readonly type: 'read'; readonly token: string; readonly ids: readonly string[] }
  /** "Show earlier": the messages before `before` (the oldest message id the widget has). */
  | { readonly type: 'earlier'; readonly token: string; readonly before: string }
  | { readonly type: 'ping' };

/** Error codes the server sends; the token ones make the widget start over with the form. */
export type WebchatErrorCode =
  | 'bad_frame'
  | 'token_invalid'
  | 'token_expired'
  | 'token_mismatch'
  | 'not_started'
  | 'rate_limited'
  | 'invalid_profile'
  | 'invalid_message'
  | 'unknown_upload'
  | 'unknown_message'
  | 'invalid_reaction'
  | 'unavailable';

/** Frames the server sends. */
export type WebchatServerFrame =
  | { readonly type: 'config'; readonly config: WebchatWireConfig }
  | { readonly type: 'session'; readonly token: string; readonly visitorId: string }
  | {
      readonly type: 'ready';
      /** The same session with a renewed expiry: the widget stores it. */
      readonly token: string;
      readonly visitorId: string;
      readonly profile: WebchatWireProfile;
      readonly messages: readonly WebchatWireMessage[];
      /** Earlier messages exist than these (the newest 200): the widget offers "show earlier". */
      readonly hasMore?: boolean;
    }
  /** Answer to `earlier`: oldest first, to put before what the widget shows. */
  | { readonly type: 'earlier'; readonly messages: readonly WebchatWireMessage[]; readonly hasMore: boolean }
  | { readonly type: 'ack'; readonly clientId: string; readonly id: string; readonly duplicate: boolean }
  | { readonly type: 'message'; readonly message: WebchatWireMessage }
  | { readonly type: 'typing'; readonly name?: string; readonly until: number }
  | {
      readonly type: 'reaction';
      readonly id: string;
      readonly reactions: readonly string[];
      /** Present when the visitor's own reaction changed (null: removed), so every tab shows it. */
      readonly myReaction?: string | null;
    }
  | { readonly type: 'read'; readonly ids: readonly string[] }
  /** A visitor message's new text (an edit from one of the visitor's tabs). */
  | { readonly type: 'edited'; readonly id: string; readonly text: string }
  | { readonly type: 'pong' }
  /** Something changed that did not fit a notification: send "hello" again to reload the history. */
  | { readonly type: 'resync' }
  | {
      readonly type: 'error';
      readonly code: WebchatErrorCode;
      readonly message: string;
      readonly clientId?: string;
      readonly retryAfterMs?: number;
    };

import type { Message, ReactionTypeEmoji, Update, User } from '@grammyjs/types';
import type { EmulatedBot } from './emulated-bot.js';

/** Who the customer is. */
export interface CustomerProfile {
  readonly id?: number;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly languageCode?: string;
}

/** What a customer can send; media carry their bytes, which the emulator stores behind new file ids. */
export type CustomerContent =
  | { readonly text: string }
  | { readonly photo: Buffer; readonly caption?: string }
  | { readonly document: Buffer; readonly fileName: string; readonly mimeType: string; readonly caption?: string }
  | { readonly video: Buffer; readonly duration: number; readonly fileName?: string; readonly caption?: string }
  | { readonly voice: Buffer; readonly duration: number }
  | {
      readonly audio: Buffer;
      readonly duration: number;
      readonly fileName?: string;
      readonly title?: string;
      readonly caption?: string;
    }
  | { readonly sticker: Buffer; readonly emoji: string }
  | { readonly location: { readonly latitude: number; readonly longitude: number } }
  | { readonly contact: { readonly phoneNumber: string; readonly firstName: string; readonly lastName?: string } };

/** Options of one customer message. */
export interface SendOptions {
  /** Quote-reply to this message id of the chat. */
  readonly replyTo?: number;
  readonly mediaGroupId?: string;
}

/** A Telegram user writing to a bot: each action creates the update Telegram would create. */
export class EmulatedCustomer {
  readonly bot: EmulatedBot;
  readonly user: User;

  constructor(bot: EmulatedBot, user: User) {
    this.bot = bot;
    this.user = user;
  }

  /** The private chat's id (the user's id). */
  get chatId(): number {
    return this.user.id;
  }

  /** Sends a message; returns it as the bot will receive it. */
  send(content: CustomerContent, options: SendOptions = {}): Message {
    const { chat } = this.bot.chatOf(this.user);
    const fields = this.#contentFields(content);
    const replied = options.replyTo ? this.bot.chats.get(chat.id)?.messages.get(options.replyTo) : undefined;
    const message = this.bot.addMessage(
      chat.id,
      (messageId) =>
        ({
          message_id: messageId,
          from: this.user,
          chat,
          date: Math.floor(Date.now() / 1000),
          ...(options.mediaGroupId ? { media_group_id: options.mediaGroupId } : {}),
          ...(replied ? { reply_to_message: replied } : {}),
          ...fields,
        }) as Message,
    );
    // The customer writes in its private chat with the bot, from its own user: never a channel post.
    this.bot.pushUpdate({ message: message as Message & Update.NonChannel });
    return message;
  }

  /** Sends 2-10 photos or videos as one album (one message each, one `media_group_id`, the caption on the first). */
  sendAlbum(items: readonly CustomerContent[], caption?: string): Message[] {
    const mediaGroupId = String(10_000_000_000_000 + Math.floor(Math.random() * 1e12));
    return items.map((item, index) =>
      this.send(index === 0 && caption !== undefined ? ({ ...item, caption } as CustomerContent) : item, {
        mediaGroupId,
      }),
    );
  }

  /** Edits one of the customer's messages (text, or the caption of a media message): an `edited_message` update. */
  edit(messageId: number, newText: string): Message {
    const entry = this.bot.chats.get(this.chatId);
    const original = entry?.messages.get(messageId);
    if (!entry || !original) throw new Error(`emulator: customer has no message ${messageId}`);
    const edited = {
      ...original,
      ...('text' in original ? { text: newText } : { caption: newText }),
      edit_date: Math.floor(Date.now() / 1000),
    } as Message & Update.Edited & Update.NonChannel;
    entry.messages.set(messageId, edited);
    this.bot.pushUpdate({ edited_message: edited });
    return edited;
  }

  /** Sets the customer's reactions on a message (an empty list removes them): a `message_reaction` update. */
  react(messageId: number, emojis: readonly string[]): void {
    const key = `${this.chatId}:${messageId}:${this.user.id}`;
    const old = this.#reactions.get(key) ?? [];
    const next: ReactionTypeEmoji[] = emojis.map((emoji) => ({ type: 'emoji', emoji }) as ReactionTypeEmoji);
    this.#reactions.set(key, next);
    this.bot.pushUpdate({
      message_reaction: {
        chat: this.bot.chatOf(this.user).chat,
        message_id: messageId,
        user: this.user,
        date: Math.floor(Date.now() / 1000),
        old_reaction: old,
        new_reaction: next,
      },
    });
  }

  readonly #reactions = new Map<string, ReactionTypeEmoji[]>();

  /** The customer blocks the bot: sends to this chat get 403 from now on. */
  blockBot(): void {
    this.bot.blockedBy.add(this.user.id);
  }

  /** Messages the bot sent to this customer, in order. */
  received(): Message[] {
    return this.bot.sentTo(this.chatId);
  }

  #contentFields(content: CustomerContent): Record<string, unknown> {
    const files = this.bot.files;
    const caption = 'caption' in content && content.caption !== undefined ? { caption: content.caption } : {};
    if ('text' in content) return { text: content.text };
    if ('photo' in content) {
      // Telegram sends every size it made; the last is the largest. The thumbnail is a real, smaller file.
      const small = files.add(content.photo.subarray(0, Math.max(1, Math.floor(content.photo.length / 4))), {
        folder: 'photos',
        mimeType: 'image/jpeg',
        extension: 'jpg',
      });
      const full = files.add(content.photo, { folder: 'photos', mimeType: 'image/jpeg', extension: 'jpg' });
      const size = (f: typeof full, side: number) => ({
        file_id: f.fileId,
        file_unique_id: f.fileUniqueId,
        width: side,
        height: side,
        file_size: f.bytes.length,
      });
      return { photo: [size(small, 90), size(full, 1280)], ...caption };
    }
    if ('document' in content) {
      const f = files.add(content.document, {
        folder: 'documents',
        mimeType: content.mimeType,
        fileName: content.fileName,
      });
      return {
        document: this.#fileFields(f, { file_name: content.fileName, mime_type: content.mimeType }),
        ...caption,
      };
    }
    if ('video' in content) {
      const f = files.add(content.video, {
        folder: 'videos',
        mimeType: 'video/mp4',
        ...(content.fileName !== undefined ? { fileName: content.fileName } : {}),
        extension: 'mp4',
      });
      return {
        video: this.#fileFields(f, {
          width: 640,
          height: 360,
          duration: content.duration,
          mime_type: 'video/mp4',
          ...(content.fileName ? { file_name: content.fileName } : {}),
        }),
        ...caption,
      };
    }
    if ('voice' in content) {
      const f = files.add(content.voice, { folder: 'voice', mimeType: 'audio/ogg', extension: 'oga' });
      return { voice: this.#fileFields(f, { duration: content.duration, mime_type: 'audio/ogg' }) };
    }
    if ('audio' in content) {
      const f = files.add(content.audio, {
        folder: 'music',
        mimeType: 'audio/mpeg',
        ...(content.fileName !== undefined ? { fileName: content.fileName } : {}),
        extension: 'mp3',
      });
      return {
        audio: this.#fileFields(f, {
          duration: content.duration,
          mime_type: 'audio/mpeg',
          ...(content.fileName ? { file_name: content.fileName } : {}),
          ...(content.title ? { title: content.title } : {}),
        }),
        ...caption,
      };
    }
    if ('sticker' in content) {
      const f = files.add(content.sticker, { folder: 'stickers', mimeType: 'image/webp', extension: 'webp' });
      return {
        sticker: this.#fileFields(f, {
          width: 512,
          height: 512,
          emoji: content.emoji,
          type: 'regular',
          is_animated: false,
          is_video: false,
        }),
      };
    }
    if ('location' in content) return { location: content.location };
    return {
      contact: {
        phone_number: content.contact.phoneNumber,
        first_name: content.contact.firstName,
        ...(content.contact.lastName ? { last_name: content.contact.lastName } : {}),
        user_id: this.user.id,
      },
    };
  }

  #fileFields(f: { fileId: string; fileUniqueId: string; bytes: Buffer }, extra: Record<string, unknown>) {
    return { file_id: f.fileId, file_unique_id: f.fileUniqueId, file_size: f.bytes.length, ...extra };
  }
}

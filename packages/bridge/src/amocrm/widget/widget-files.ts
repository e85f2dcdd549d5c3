import { solidPng } from './solid-png.js';

/** Options of {@link widgetFiles}. */
export interface WidgetFilesOptions {
  /** The bridge's public https address; the widget posts its settings to `<bridgeUrl>/amocrm/widget/connect`. */
  readonly bridgeUrl: string;
  /** Widget code (`AMOCRM_WIDGET_CODE`). */
  readonly code: string;
  readonly version: string;
}

const I18N = {
  en: {
    widget: {
      name: 'amojo-bridge chats',
      short_description: 'Website chat, Telegram and any messenger in amoCRM chats',
      description:
        'Connects your messengers to amoCRM chats: every channel is a source, answers go back to the customer.',
      tour_description: 'Customers write in your website chat or messenger, managers answer from the lead card.',
    },
    settings: {
      title: 'Channel name shown in amoCRM',
      link_contacts: 'Link new chats to existing contacts: off, phone, phone_or_email',
    },
    messages: {
      connected: 'Connected: chats of this account now reach amoCRM.',
      failed: 'The bridge refused the connection. Reinstall the integration and try again.',
    },
  },
  ru: {
    widget: {
      name: 'Чаты amojo-bridge',
      short_description: 'Чат на сайте, Telegram и любые мессенджеры в чатах amoCRM',
      description:
        'Подключает ваши мессенджеры к чатам amoCRM: каждый канал — отдельный источник, ответы уходят клиенту.',
      tour_description: 'Клиенты пишут в чат на сайте или в мессенджер, менеджеры отвечают из карточки сделки.',
    },
    settings: {
      title: 'Название канала в amoCRM',
      link_contacts: 'Привязывать новые чаты к существующим контактам: off, phone, phone_or_email',
    },
    messages: {
      connected: 'Подключено: чаты этого аккаунта приходят в amoCRM.',
      failed: 'Мост отклонил подключение. Переустановите интеграцию и попробуйте снова.',
    },
  },
} as const;

/** The keys `script.js` reads with `self.i18n('messages')`. */
export const SCRIPT_MESSAGE_KEYS = ['connected', 'failed'] as const;

// amoCRM reads the widget with require.js: `script.js` is an AMD module returning the widget constructor. onSave
// posts the settings with $authorizedAjax, which adds amoCRM's one-time JWT in X-Auth-Token; the account is named
// by APP.constant('account').amojo_id (guide: "Разработка тиражируемого решения").
function script(bridgeUrl: string): string {
  return `define(['jquery'], function ($) {
  'use strict';
  var BRIDGE_URL = ${JSON.stringify(bridgeUrl)};
  return function () {
    var self = this;
    this.callbacks = {
      render: function () { return true; },
      init: function () { return true; },
      bind_actions: function () { return true; },
      settings: function () { return true; },
      destroy: function () { return true; },
      onSave: function () {
        var settings = self.get_settings();
        var account = APP.constant('account');
        return self.$authorizedAjax({
          url: BRIDGE_URL + '/amocrm/widget/connect',
          method: 'POST',
          contentType: 'application/json',
          data: JSON.stringify({
            amojo_id: account.amojo_id,
            title: settings.title || '',
            link_contacts: settings.link_contacts || 'off'
          })
        }).then(function () {
          APP.notifications.show_message({ header: self.i18n('widget').name, text: self.i18n('messages').connected });
          return true;
        }, function () {
          APP.notifications.show_message({ header: self.i18n('widget').name, text: self.i18n('messages').failed });
          return false;
        });
      }
    };
    return this;
  };
});
`;
}

/**
 * Every file of the amoCRM widget archive (path -> bytes): `manifest.json` (locations incl. `lead_sources` and
 * `whatsapp_modal`, settings, i18n keys), `i18n/ru.json`, `i18n/en.json`, `script.js` and the five logos.
 */
export function widgetFiles(options: WidgetFilesOptions): Record<string, Uint8Array> {
  const manifest = {
    widget: {
      name: 'widget.name',
      description: 'widget.description',
      short_description: 'widget.short_description',
      tour: {
        is_tour: true,
        tour_images: { ru: ['/images/tour_1_ru.png'], en: ['/images/tour_1_en.png'] },
        tour_description: 'widget.tour_description',
      },
      code: options.code,
      version: options.version,
      interface_version: 2,
      init_once: false,
      locale: ['ru', 'en'],
      installation: true,
      support: { link: options.bridgeUrl, email: 'support@example.com' },
    },
    locations: ['settings', 'lead_sources', 'whatsapp_modal'],
    settings: {
      title: { name: 'settings.title', type: 'text', required: false },
      link_contacts: { name: 'settings.link_contacts', type: 'text', required: false },
    },
  };
  const text = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const blue: [number, number, number] = [0x1f, 0x6f, 0xeb];
  return {
    'manifest.json': text(manifest),
    'i18n/en.json': text(I18N.en),
    'i18n/ru.json': text(I18N.ru),
    'script.js': new TextEncoder().encode(script(options.bridgeUrl)),
    'images/logo_min.png': solidPng(84, 84, blue),
    'images/logo_medium.png': solidPng(240, 84, blue),
    'images/logo_main.png': solidPng(400, 272, blue),
    'images/logo.png': solidPng(130, 100, blue),
    'images/logo_small.png': solidPng(108, 108, blue),
    'images/logo_dp.png': solidPng(174, 109, blue),
    'images/tour_1_ru.png': solidPng(400, 272, blue),
    'images/tour_1_en.png': solidPng(400, 272, blue),
  };
}

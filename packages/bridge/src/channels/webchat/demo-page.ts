/** Input of {@link renderWebchatDemoPage}. */
export interface WebchatDemoPageInput {
  /** URL of `webchat.js`. */
  readonly scriptUrl: string;
  readonly instanceKey: string;
  /** `en` or `ru`: the page's `<html lang>`, which the widget follows. */
  readonly lang?: 'en' | 'ru';
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT = {
  en: {
    title: 'Northwind Flowers: demo shop',
    heading: 'Fresh flowers, delivered today',
    lead: 'This is a demo page of a website with the amojo-bridge chat widget. Open the chat in the corner, introduce yourself and write: the message arrives in the amoCRM inbox (the sandbox), and the manager’s answer comes back here.',
    items: ['Spring bouquet — 2 900 ₽', 'Roses, 15 stems — 4 500 ₽', 'Tulips in a box — 3 200 ₽'],
  },
  ru: {
    title: 'Цветы «Северный ветер»: демо-магазин',
    heading: 'Свежие цветы с доставкой сегодня',
    lead: 'Это демо-страница сайта с виджетом чата amojo-bridge. Откройте чат в углу, представьтесь и напишите: сообщение придёт во входящие amoCRM (песочница), а ответ менеджера вернётся сюда.',
    items: ['Весенний букет — 2 900 ₽', 'Розы, 15 шт. — 4 500 ₽', 'Тюльпаны в коробке — 3 200 ₽'],
  },
} as const;

/** A small shop page with the widget's one script tag, as a website owner would embed it. */
export function renderWebchatDemoPage(input: WebchatDemoPageInput): string {
  const lang = input.lang ?? 'en';
  const t = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(t.title)}</title>
    <link rel="icon" href="data:," />
    <style>
      body { margin: 0; font: 16px/1.5 Georgia, serif; color: #2b2b2b; background: #fbf7f2; }
      header { padding: 20px 32px; background: #3d5a40; color: #fff; font: bold 20px/1 system-ui, sans-serif; }
      main { max-width: 760px; margin: 0 auto; padding: 32px; }
      h1 { font-size: 32px; margin: 0 0 12px; }
      ul { padding: 0; list-style: none; display: grid; gap: 12px; }
      li { background: #fff; border: 1px solid #eadfd2; border-radius: 8px; padding: 16px; }
      /* Host styles that must not leak into the widget (it lives in a shadow root). */
      button { background: hotpink !important; font-family: cursive !important; }
      p { color: #5a4632; }
    </style>
  </head>
  <body>
    <header>${escapeHtml(t.title)}</header>
    <main>
      <h1>${escapeHtml(t.heading)}</h1>
      <p>${escapeHtml(t.lead)}</p>
      <ul>${t.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>
    </main>
    <script src="${escapeHtml(input.scriptUrl)}" data-instance="${escapeHtml(input.instanceKey)}" async></script>
  </body>
</html>
`;
}

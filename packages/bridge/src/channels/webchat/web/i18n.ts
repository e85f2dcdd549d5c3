/** The widget's texts in each language it speaks. */
const TEXTS = {
  en: {
    open: 'Open chat',
    openUnread: (n: number) => `Open chat, ${n} unread`,
    close: 'Close chat',
    title: 'Chat with us',
    online: 'We reply in a few minutes',
    connecting: 'Connecting…',
    offline: 'No connection: messages will be sent when you are back online',
    intro: 'Introduce yourself so we know how to reach you.',
    name: 'Name',
    phone: 'Phone',
    email: 'E-mail',
    optional: 'optional',
    start: 'Start chat',
    message: 'Message',
    placeholder: 'Write a message…',
    send: 'Send',
    attach: 'Attach a file',
    messages: 'Messages',
    typing: 'The manager is typing…',
    sending: 'Sending…',
    waiting: 'Will be sent when online',
    sent: 'Sent',
    read: 'Read',
    you: 'You',
    manager: 'Manager',
    empty: 'Ask us anything: a manager will answer here.',
    reactions: 'Reactions',
    tooLarge: (max: string) => `The file is too large (up to ${max}).`,
    badType: 'This type of file cannot be sent.',
    uploadFailed: 'The file could not be uploaded. Try again.',
    required: 'Required',
    invalidPhone: 'Enter a phone number',
    invalidEmail: 'Enter an e-mail address',
    unread: 'New messages',
    earlier: 'Show earlier messages',
  },
  ru: {
    open: 'Открыть чат',
    openUnread: (n: number) => `Открыть чат, непрочитанных: ${n}`,
    close: 'Закрыть чат',
    title: 'Напишите нам',
    online: 'Ответим через несколько минут',
    connecting: 'Подключение…',
    offline: 'Нет связи: сообщения уйдут, когда сеть появится',
    intro: 'Представьтесь, чтобы мы знали, как с вами связаться.',
    name: 'Имя',
    phone: 'Телефон',
    email: 'Эл. почта',
    optional: 'необязательно',
    start: 'Начать чат',
    message: 'Сообщение',
    placeholder: 'Напишите сообщение…',
    send: 'Отправить',
    attach: 'Прикрепить файл',
    messages: 'Сообщения',
    typing: 'Менеджер печатает…',
    sending: 'Отправляется…',
    waiting: 'Отправится при появлении сети',
    sent: 'Отправлено',
    read: 'Прочитано',
    you: 'Вы',
    manager: 'Менеджер',
    empty: 'Задайте вопрос: менеджер ответит здесь.',
    reactions: 'Реакции',
    tooLarge: (max: string) => `Файл слишком большой (до ${max}).`,
    badType: 'Такой файл отправить нельзя.',
    uploadFailed: 'Не удалось загрузить файл. Попробуйте ещё раз.',
    required: 'Обязательно',
    invalidPhone: 'Введите номер телефона',
    invalidEmail: 'Введите адрес эл. почты',
    unread: 'Новые сообщения',
    earlier: 'Показать предыдущие сообщения',
  },
} as const;

/** The texts of one language. */
export type Texts = (typeof TEXTS)['en'];

/** Picks the language: `data-lang` on the script tag, else the page's `<html lang>`; Russian or English. */
export function pickTexts(dataLang: string | undefined | null, pageLang: string | undefined | null): Texts {
  const lang = (dataLang || pageLang || 'en').toLowerCase();
  return (lang.startsWith('ru') ? TEXTS.ru : TEXTS.en) as Texts;
}

/** `1.2 MB`-style size. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** amojo host for accounts on amocrm.ru (the default, spec 1.1). */
export const AMOJO_BASE_URL_RU = 'https://amojo.amocrm.ru';
/** amojo host for legacy `*.amocrm.com` accounts (spec 1.1). */
export const AMOJO_BASE_URL_COM = 'https://amojo.amocrm.com';
/** amojo host for Kommo accounts (spec 1.1). */
export const AMOJO_BASE_URL_KOMMO = 'https://amojo.kommo.com';

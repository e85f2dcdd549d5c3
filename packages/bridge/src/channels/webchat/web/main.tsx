import { render } from 'preact';
import { App } from './app.js';
import { ChatClient } from './chat-client.js';
import { pickTexts } from './i18n.js';
import { STYLES } from './styles.js';

// Entry of webchat.js: `<script src=".../webchat.js" data-instance="..." async></script>`. The bridge's address is
// where the script came from; the widget lives in a shadow root so the page's CSS cannot reach it.
function boot(): void {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-instance][src*="webchat.js"]');
  const instance = script?.dataset.instance;
  if (!script || !instance) {
    console.error('amojo-bridge webchat: the script tag needs data-instance="<instance key>"');
    return;
  }
  const baseUrl = new URL(script.src, location.href).href.replace(/\/webchat\.js(\?.*)?$/, '');
  const host = document.createElement('div');
  host.setAttribute('data-amojo-webchat', instance);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLES;
  shadow.appendChild(style);
  const mount = document.createElement('div');
  shadow.appendChild(mount);
  const start = () => {
    document.body.appendChild(host);
    const client = new ChatClient({ baseUrl, instance });
    client.connect();
    // The visitor's language: data-lang on the tag, else the page's; it picks the texts and the instance's title.
    const lang = (script.dataset.lang || document.documentElement.lang || 'en').slice(0, 2).toLowerCase();
    render(<App client={client} t={pickTexts(lang, lang)} lang={lang} />, mount);
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

boot();

/**
 * The widget's CSS, injected into its shadow root (so neither the page's CSS nor ours crosses the boundary).
 * Text colours meet WCAG AA (4.5:1): white on the blue #1f66d1 5.4:1 (the former #2e7ded was 4.0:1), timestamps
 * #5a6876 on #f4f6f9 5.3:1 (was 4.1:1), "sending" #8a5200 5.9:1 (was 3.9:1), the header status at full opacity.
 */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733; }
button, input, textarea { font: inherit; color: inherit; }
.launcher { position: relative; width: 60px; height: 60px; border-radius: 50%; border: 0; cursor: pointer; background: var(--brand, #1f66d1); color: #fff; box-shadow: 0 6px 20px rgba(22, 60, 120, .35); display: grid; place-items: center; }
.launcher:hover { filter: brightness(0.9); }
.launcher:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #ffb020; outline-offset: 2px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #e5484d; color: #fff; font-size: 12px; font-weight: 700; display: grid; place-items: center; border: 2px solid #fff; }
.panel { position: absolute; right: 0; bottom: 76px; width: 380px; height: min(600px, calc(100vh - 110px)); background: #fff; border-radius: 16px; box-shadow: 0 12px 48px rgba(16, 32, 64, .28); display: flex; flex-direction: column; overflow: hidden; }
.head { background: var(--brand, #1f66d1); color: #fff; padding: 14px 12px 14px 18px; display: flex; align-items: center; gap: 10px; }
.head h2 { margin: 0; font-size: 16px; font-weight: 650; }
.head .sub { font-size: 12px; display: flex; align-items: center; gap: 6px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #7ee2a8; display: inline-block; }
.dot.connecting { background: #ffd166; } .dot.offline { background: #ff8a8a; }
.head .titles { flex: 1; min-width: 0; }
.icon-button { border: 0; background: transparent; color: inherit; width: 36px; height: 36px; border-radius: 8px; cursor: pointer; display: grid; place-items: center; }
.icon-button:hover { background: rgba(255, 255, 255, .16); }
.body { flex: 1; overflow-y: auto; padding: 16px 14px; background: #f4f6f9; display: flex; flex-direction: column; gap: 8px; }
.empty { margin: auto; color: #5b6b7c; text-align: center; max-width: 240px; }
.earlier { align-self: center; margin: 0 0 8px; padding: 4px 12px; border: 1px solid #c9d3de; border-radius: 12px; background: #fff; color: #2c4a6b; font: inherit; font-size: 13px; cursor: pointer; }
.earlier:disabled { opacity: .6; cursor: default; }
.msg { max-width: 80%; display: flex; flex-direction: column; gap: 2px; }
.msg.in { align-self: flex-end; align-items: flex-end; }
.msg.out { align-self: flex-start; align-items: flex-start; }
.author { font-size: 12px; color: #5b6b7c; padding: 0 4px; }
.bubble { padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.in .bubble { background: var(--brand, #1f66d1); color: #fff; border-bottom-right-radius: 4px; }
.out .bubble { background: #fff; border: 1px solid #e1e6ee; border-bottom-left-radius: 4px; }
.bubble img, .bubble video { display: block; max-width: 100%; max-height: 240px; border-radius: 10px; margin: 2px 0; }
.bubble a { color: inherit; }
.bubble.media-only { padding: 0; background: transparent; border: 0; }
.bubble.media-only img, .bubble.media-only video { margin: 0; border: 1px solid #e1e6ee; }
.file { display: flex; align-items: center; gap: 8px; text-decoration: none; }
.file .size { opacity: .75; font-size: 12px; }
.meta { font-size: 11px; color: #5a6876; padding: 0 4px; }
.meta.pending { color: #8a5200; }
.meta.failed-note { color: #b3261e; font-weight: 600; }
.msg.failed .bubble { background: #fff; color: #1d2733; border: 1px dashed #b3261e; }
.link-button { border: 0; background: none; color: #1a57b5; text-decoration: underline; cursor: pointer; font-size: 12px; padding: 0 4px; }
.counter { font-size: 11px; color: #5a6876; padding: 0 14px 8px; text-align: right; background: #fff; }
.counter.over { color: #b3261e; font-weight: 700; }
.reactions { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0 4px; }
.reactions li { background: #fff; border: 1px solid #e1e6ee; border-radius: 10px; padding: 0 6px; font-size: 13px; }
.reactions li.mine { border-color: var(--brand, #1f66d1); background: #e8f0fc; }
.meta .link-button { font-size: 11px; color: #1a57b5; padding: 0 0 0 8px; }
.meta .link-button:disabled { color: #5a6876; text-decoration: none; cursor: default; }
.picker { display: flex; flex-wrap: wrap; gap: 2px; padding: 4px; background: #fff; border: 1px solid #cfd8e3; border-radius: 12px; box-shadow: 0 4px 16px rgba(16, 32, 64, .16); }
.picker button { border: 0; background: transparent; font-size: 20px; line-height: 1; width: 34px; height: 34px; border-radius: 8px; cursor: pointer; }
.picker button:hover, .picker button[aria-pressed="true"] { background: #e8f0fc; }
.quote { display: flex; flex-direction: column; border-left: 3px solid currentColor; padding: 2px 0 2px 8px; margin: 0 0 6px; font-size: 12px; opacity: .9; }
.quote-author { font-weight: 650; }
.quote-text { overflow: hidden; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; }
.out .quote { border-left-color: var(--brand, #1f66d1); }
.replying { display: flex; align-items: center; gap: 6px; padding: 8px 10px 0 14px; background: #fff; border-top: 1px solid #e6eaf0; color: #1d2733; }
.replying .quote { flex: 1; min-width: 0; margin: 0; border-left-color: var(--brand, #1f66d1); }
.replying .icon-button { color: #4a5a6b; width: 28px; height: 28px; }
.typing { font-size: 12px; color: #5b6b7c; font-style: italic; padding: 2px 4px; }
.composer { display: flex; align-items: flex-end; gap: 6px; padding: 10px; border-top: 1px solid #e6eaf0; background: #fff; }
.composer textarea { flex: 1; resize: none; border: 1px solid #cfd8e3; border-radius: 12px; padding: 9px 12px; min-height: 40px; max-height: 120px; outline: none; }
.composer textarea:focus { border-color: var(--brand, #1f66d1); box-shadow: 0 0 0 3px rgba(31, 102, 209, .2); }
.composer .icon-button { color: #4a5a6b; }
.composer .icon-button:hover { background: #eef2f7; }
.send { border: 0; background: var(--brand, #1f66d1); color: #fff; width: 40px; height: 40px; border-radius: 50%; cursor: pointer; display: grid; place-items: center; flex: none; }
.send:disabled { background: #b8c7da; cursor: default; }
.form { display: flex; flex-direction: column; gap: 12px; padding: 4px 2px; }
.form p { margin: 0 0 4px; color: #3b4a5a; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field label { font-size: 13px; font-weight: 600; }
.field .opt { font-weight: 400; color: #5a6876; }
.field input { border: 1px solid #cfd8e3; border-radius: 10px; padding: 10px 12px; outline: none; background: #fff; }
.field input:focus { border-color: var(--brand, #1f66d1); box-shadow: 0 0 0 3px rgba(31, 102, 209, .2); }
.field .err { color: #c2262e; font-size: 12px; }
.primary { border: 0; background: var(--brand, #1f66d1); color: #fff; padding: 11px 16px; border-radius: 10px; font-weight: 600; cursor: pointer; }
.primary:hover { filter: brightness(0.9); }
.alert { background: #fff4e5; color: #7a4a00; font-size: 12px; padding: 6px 14px; }
.root.left { right: auto; left: 20px; }
.left .panel { right: auto; left: 0; }
.field.consent label { font-weight: 400; display: flex; gap: 6px; align-items: flex-start; }
.field.consent a { font-size: 12px; color: #1a57b5; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .root { right: 16px; bottom: 16px; }
  .root.left { right: auto; left: 16px; }
  .root.open { inset: 0; right: 0; bottom: 0; }
  .open .panel { position: fixed; inset: 0; width: 100%; height: 100%; border-radius: 0; }
  .open .launcher { display: none; }
  .msg { max-width: 88%; }
}
`;

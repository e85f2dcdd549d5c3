/** The widget's CSS, injected into its shadow root (so neither the page's CSS nor ours crosses the boundary). */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733; }
button, input, textarea { font: inherit; color: inherit; }
.launcher { position: relative; width: 60px; height: 60px; border-radius: 50%; border: 0; cursor: pointer; background: #2e7ded; color: #fff; box-shadow: 0 6px 20px rgba(22, 60, 120, .35); display: grid; place-items: center; }
.launcher:hover { background: #1f6ad6; }
.launcher:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #ffb020; outline-offset: 2px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #e5484d; color: #fff; font-size: 12px; font-weight: 700; display: grid; place-items: center; border: 2px solid #fff; }
.panel { position: absolute; right: 0; bottom: 76px; width: 380px; height: min(600px, calc(100vh - 110px)); background: #fff; border-radius: 16px; box-shadow: 0 12px 48px rgba(16, 32, 64, .28); display: flex; flex-direction: column; overflow: hidden; }
.head { background: #2e7ded; color: #fff; padding: 14px 12px 14px 18px; display: flex; align-items: center; gap: 10px; }
.head h2 { margin: 0; font-size: 16px; font-weight: 650; }
.head .sub { font-size: 12px; opacity: .9; display: flex; align-items: center; gap: 6px; }
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
.in .bubble { background: #2e7ded; color: #fff; border-bottom-right-radius: 4px; }
.out .bubble { background: #fff; border: 1px solid #e1e6ee; border-bottom-left-radius: 4px; }
.bubble img, .bubble video { display: block; max-width: 100%; max-height: 240px; border-radius: 10px; margin: 2px 0; }
.bubble a { color: inherit; }
.bubble.media-only { padding: 0; background: transparent; border: 0; }
.bubble.media-only img, .bubble.media-only video { margin: 0; border: 1px solid #e1e6ee; }
.file { display: flex; align-items: center; gap: 8px; text-decoration: none; }
.file .size { opacity: .75; font-size: 12px; }
.meta { font-size: 11px; color: #6b7a8b; padding: 0 4px; }
.meta.pending { color: #b26a00; }
.reactions { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0 4px; }
.reactions li { background: #fff; border: 1px solid #e1e6ee; border-radius: 10px; padding: 0 6px; font-size: 13px; }
.typing { font-size: 12px; color: #5b6b7c; font-style: italic; padding: 2px 4px; }
.composer { display: flex; align-items: flex-end; gap: 6px; padding: 10px; border-top: 1px solid #e6eaf0; background: #fff; }
.composer textarea { flex: 1; resize: none; border: 1px solid #cfd8e3; border-radius: 12px; padding: 9px 12px; min-height: 40px; max-height: 120px; outline: none; }
.composer textarea:focus { border-color: #2e7ded; box-shadow: 0 0 0 3px rgba(46, 125, 237, .18); }
.composer .icon-button { color: #4a5a6b; }
.composer .icon-button:hover { background: #eef2f7; }
.send { border: 0; background: #2e7ded; color: #fff; width: 40px; height: 40px; border-radius: 50%; cursor: pointer; display: grid; place-items: center; flex: none; }
.send:disabled { background: #b8c7da; cursor: default; }
.form { display: flex; flex-direction: column; gap: 12px; padding: 4px 2px; }
.form p { margin: 0 0 4px; color: #3b4a5a; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field label { font-size: 13px; font-weight: 600; }
.field .opt { font-weight: 400; color: #6b7a8b; }
.field input { border: 1px solid #cfd8e3; border-radius: 10px; padding: 10px 12px; outline: none; background: #fff; }
.field input:focus { border-color: #2e7ded; box-shadow: 0 0 0 3px rgba(46, 125, 237, .18); }
.field .err { color: #c2262e; font-size: 12px; }
.primary { border: 0; background: #2e7ded; color: #fff; padding: 11px 16px; border-radius: 10px; font-weight: 600; cursor: pointer; }
.primary:hover { background: #1f6ad6; }
.alert { background: #fff4e5; color: #7a4a00; font-size: 12px; padding: 6px 14px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .root { right: 16px; bottom: 16px; }
  .root.open { inset: 0; right: 0; bottom: 0; }
  .open .panel { position: fixed; inset: 0; width: 100%; height: 100%; border-radius: 0; }
  .open .launcher { display: none; }
  .msg { max-width: 88%; }
}
`;

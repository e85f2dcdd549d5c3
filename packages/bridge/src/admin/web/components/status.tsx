import type { ComponentChildren } from 'preact';

/** An error line announced to screen readers. */
export function ErrorNote({ message }: { readonly message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** A success or progress line, announced politely. */
export function Note({ children }: { readonly children: ComponentChildren }) {
  return (
    <p class="note" role="status">
      {children}
    </p>
  );
}

/** A coloured word for a state, never colour alone: the word itself says it. */
export function Badge({
  tone,
  children,
}: {
  readonly tone: 'ok' | 'bad' | 'warn' | 'muted';
  readonly children: ComponentChildren;
}) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** A table that scrolls sideways on a phone instead of breaking the page. */
export function Table({ caption, children }: { readonly caption: string; readonly children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="table-wrap" tabIndex={0} aria-label={caption}>
      <table>
        <caption class="sr-only">{caption}</caption>
        {children}
      </table>
    </section>
  );
}

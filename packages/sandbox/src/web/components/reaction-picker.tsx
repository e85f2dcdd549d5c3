import { useEffect, useRef } from 'preact/hooks';

/** Props of {@link ReactionPicker}. */
export interface ReactionPickerProps {
  readonly reactions: readonly string[];
  /** Emoji the manager already set on this message; picking one again removes it. */
  readonly selected: ReadonlySet<string>;
  readonly onPick: (emoji: string) => void;
  readonly onClose: () => void;
}

/** A small popover with the channel's declared reactions (spec 3.8: only these are accepted). */
export function ReactionPicker({ reactions, selected, onPick, onClose }: ReactionPickerProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [onClose]);
  return (
    <div class="reaction-picker" role="menu" aria-label="Pick a reaction" ref={ref}>
      {reactions.map((emoji) => (
        <button
          key={emoji}
          type="button"
          role="menuitem"
          class={selected.has(emoji) ? 'selected' : ''}
          aria-label={selected.has(emoji) ? `Remove reaction ${emoji}` : `React with ${emoji}`}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}

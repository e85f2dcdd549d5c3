import { avatarColor, initials } from '../format.js';

/** A round avatar: the picture when there is one, else coloured initials. */
export function Avatar({
  name,
  src,
  small = false,
}: {
  readonly name: string;
  readonly src?: string | undefined;
  readonly small?: boolean;
}) {
  const cls = `avatar ${small ? 'small' : ''}`;
  if (src) return <img class={cls} src={src} alt="" aria-hidden="true" />;
  return (
    <span class={cls} style={{ background: avatarColor(name) }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

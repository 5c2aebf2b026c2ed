import type { ReactNode } from 'react';

/**
 * The red callout for something that went wrong, announced to screen readers. Renders
 * nothing without a message, so a screen can pass its error state as it is.
 */
export function ErrorCallout(props: {
  message: string | null | undefined;
  /** A heading above the message; `level` 2 on a screen, 3 inside a card. */
  title?: ReactNode;
  level?: 2 | 3;
  /** A way out below the message (a retry button). */
  children?: ReactNode;
}) {
  if (!props.message) return null;
  const Heading = props.level === 3 ? 'h3' : 'h2';
  return (
    <div className="callout callout-error" role="alert">
      {props.title !== undefined && <Heading>{props.title}</Heading>}
      <p>{props.message}</p>
      {props.children}
    </div>
  );
}

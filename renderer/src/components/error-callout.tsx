import type { ReactNode } from 'react';

/**
 * The red callout for something that went wrong, announced to screen readers. Renders
 * nothing without a message, so a screen can pass its error state as it is.
 */
export function ErrorCallout(props: { message: string | null | undefined; children?: ReactNode }) {
  if (!props.message) return null;
  return (
    <div className="callout callout-error" role="alert">
      <p>{props.message}</p>
      {props.children}
    </div>
  );
}

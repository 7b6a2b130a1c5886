import { type HTMLAttributes, type ReactNode, useId } from 'react';
import { cx } from './cx';

export interface PanelProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title: ReactNode;
  /** Controls at the right of the title bar. */
  actions?: ReactNode;
}

/** A titled region of a screen (a landmark named by its title). */
export function Panel({ title, actions, className, children, ...rest }: PanelProps) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className={cx('flex min-w-0 flex-col rounded-lg border border-line bg-surface', className)}
      {...rest}
    >
      <div className="flex items-center justify-between gap-2 border-b border-line px-3 py-2">
        <h2 id={headingId} className="text-sm font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="min-h-0 flex-1">{children}</div>
    </section>
  );
}

import type { ReactNode } from 'react';
import { cx } from './cx';

export interface AlertProps {
  tone?: 'error' | 'success' | 'info';
  children: ReactNode;
  className?: string;
}

/** A message: errors are announced at once (role=alert), the others politely (role=status). */
export function Alert({ tone = 'info', children, className }: AlertProps) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={cx(
        'rounded-md border px-3 py-2 text-sm',
        tone === 'error' && 'border-down bg-down-bg text-fg',
        tone === 'success' && 'border-up bg-up-bg text-fg',
        tone === 'info' && 'border-line bg-surface-2 text-fg',
        className,
      )}
    >
      {children}
    </div>
  );
}

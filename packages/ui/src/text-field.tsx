import { type InputHTMLAttributes, type ReactNode, type Ref, useId } from 'react';
import { cx } from './cx';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  /** Shown under the field and announced; marks the field invalid. */
  error?: string | null;
  hint?: ReactNode;
  /** Text after the input, e.g. the asset code. */
  suffix?: ReactNode;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled input with its error and hint wired through aria attributes. */
export function TextField({ label, error, hint, suffix, className, ref, ...input }: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint === undefined ? null : hintId, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={cx('flex flex-col gap-1', className)}>
      <label htmlFor={id} className="text-xs font-medium text-muted">
        {label}
      </label>
      <div
        className={cx(
          'flex items-center rounded-md border bg-surface-2 focus-within:border-focus',
          error ? 'border-down' : 'border-line',
        )}
      >
        <input
          ref={ref}
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={described === '' ? undefined : described}
          className="min-w-0 flex-1 bg-transparent px-3 py-2 text-sm text-fg outline-none placeholder:text-muted"
          {...input}
        />
        {suffix === undefined ? null : <span className="pr-3 text-xs text-muted">{suffix}</span>}
      </div>
      {hint === undefined ? null : (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {error ? (
        <p id={errorId} className="text-xs text-down">
          {error}
        </p>
      ) : null}
    </div>
  );
}

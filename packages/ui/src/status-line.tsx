import type { ReactNode } from 'react';

/** A loading or empty line inside a panel or table. */
export function StatusLine({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="px-3 py-4 text-center text-sm text-muted">
      {children}
    </p>
  );
}

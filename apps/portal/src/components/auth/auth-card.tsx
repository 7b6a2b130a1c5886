import type { ReactNode } from 'react';

/** The frame of the login and registration screens. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="mx-auto mt-6 w-full max-w-sm rounded-lg border border-line bg-surface p-5">
      <h1 className="mb-4 text-xl font-semibold">{title}</h1>
      {children}
    </div>
  );
}

'use client';
import { useEffect, useState } from 'react';

/**
 * A query parameter of the page's URL, read after mounting (undefined until then, null when absent).
 * Tokens from mailed links are read this way so the server never renders them.
 */
export function useQueryParam(name: string): string | null | undefined {
  const [value, setValue] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    setValue(new URLSearchParams(window.location.search).get(name));
  }, [name]);
  return value;
}

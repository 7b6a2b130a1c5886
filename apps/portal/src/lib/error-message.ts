'use client';
import { useTranslations } from 'next-intl';
import { useCallback } from 'react';
import { ApiError } from './api';

type ErrorKey = Parameters<ReturnType<typeof useTranslations<'errors'>>>[0];

/** The user's words for a failure: by the API's code (and the engine's, for refused orders). */
export function useErrorMessage(): (error: unknown) => string {
  const t = useTranslations('errors');
  return useCallback(
    (error: unknown) => {
      if (!(error instanceof ApiError)) {
        return t('fallback', { message: error instanceof Error ? error.message : String(error) });
      }
      const engineCode = (error.details as { engineCode?: unknown } | undefined)?.engineCode;
      if (error.code === 'SPOT_ORDER_REJECTED' && typeof engineCode === 'string') {
        const key = `engine.${engineCode}`;
        if (t.has(key as ErrorKey)) return t(key as ErrorKey);
      }
      if (error.code === 'IDENTITY_WEAK_PASSWORD')
        return t('IDENTITY_WEAK_PASSWORD', { message: error.message });
      if (t.has(error.code as ErrorKey)) return t(error.code as 'NETWORK');
      return t('fallback', { message: error.message });
    },
    [t],
  );
}

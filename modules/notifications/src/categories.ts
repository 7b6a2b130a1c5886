/** What a notification is about; users choose channels per category. */
export const NOTIFICATION_CATEGORIES = [
  'security',
  'trading',
  'wallet',
  'kyc',
  'support',
  'announcements',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

export const CHANNELS = ['inApp', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Preference {
  category: NotificationCategory;
  inApp: boolean;
  email: boolean;
}

/** Defaults until a user chooses: everything in the app; mail for what users expect by mail. */
export const DEFAULT_PREFERENCES: Readonly<Record<NotificationCategory, Omit<Preference, 'category'>>> = {
  security: { inApp: true, email: true },
  trading: { inApp: true, email: false },
  wallet: { inApp: true, email: true },
  kyc: { inApp: true, email: true },
  support: { inApp: true, email: true },
  announcements: { inApp: true, email: true },
};

/** Security notices by mail cannot be turned off: they are how a user learns of a takeover. */
export const LOCKED: readonly { category: NotificationCategory; channel: Channel }[] = [
  { category: 'security', channel: 'email' },
];

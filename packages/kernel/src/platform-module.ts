import type { ApiApp } from './api-app.js';
import type { Authenticator } from './principal.js';

/** A permission a module defines, shown to admins editing roles. */
export interface PermissionDefinition {
  name: string;
  description: string;
}

/** What a business module contributes to the platform; apps/api and the CLI assemble these. */
export interface PlatformModule {
  /** The folder name: 'identity', 'access', … */
  name: string;
  /** Absolute path of the module's NNNN_name.sql migrations, applied in module order. */
  migrationsDir?: string;
  permissions?: readonly PermissionDefinition[];
  /** Ways this module recognises a caller (session cookie, signed API key). */
  authenticators?: readonly Authenticator[];
  /** Registers the module's routes (full paths, /api/v1/…). */
  routes?: (app: ApiApp) => void | Promise<void>;
  /** Called when the platform stops (timers, connections). */
  close?: () => Promise<void>;
}

export { ConfigError, type ConfigIssue } from './config-error.js';
export {
  type Config,
  type EmbeddedConfig,
  type Environment,
  type LoadConfigOptions,
  type LogLevel,
  loadConfig,
  logLevels,
  type OidcProvider,
  type PaymentGatewayConfig,
  type ServerConfig,
  type WalletConfig,
} from './load-config.js';

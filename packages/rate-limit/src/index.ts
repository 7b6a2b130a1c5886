export {
  createRateLimiter,
  type RateLimiterOptions,
  type TradeloomRateLimiter,
} from './create-rate-limiter.js';

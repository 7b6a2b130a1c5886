import { z } from 'zod';

export { actorOf, errorResponses } from '@tradeloom/kernel';

export const decimalIn = z
  .string()
  .max(60)
  .regex(/^\d+(\.\d+)?$/, 'a plain decimal string, e.g. "0.015"');

export const symbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,32}$/, 'upper-case letters and digits')
  .describe('e.g. BTCUSDT');

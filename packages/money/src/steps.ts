import { type FormatAmountOptions, formatAmount } from './format-amount.js';
import { MoneyError, quoteInput } from './money-error.js';
import { parseAmount } from './parse-amount.js';
import { fromSafeInteger, toSafeInteger } from './safe-integer.js';
import { pow10 } from './scale.js';

function parseStep(step: string, scale: number): bigint {
  return parseAmount(step, scale, { allowZero: false });
}

// Trailing zeros of the step say nothing about precision: "0.01000000" formats like "0.01".
function stepDecimals(step: string): number {
  const dot = step.indexOf('.');
  return dot === -1 ? 0 : step.slice(dot + 1).replace(/0+$/, '').length;
}

/** Parses `text` at `scale` and returns how many `step`s it is, throwing NOT_A_MULTIPLE_OF_STEP if inexact. */
export function toSteps(text: string, step: string, scale: number): number {
  const stepUnits = parseStep(step, scale);
  const units = parseAmount(text, scale);
  if (units % stepUnits !== 0n) {
    throw new MoneyError(
      'NOT_A_MULTIPLE_OF_STEP',
      `Invalid amount ${quoteInput(text)}: not a multiple of step ${quoteInput(step)}`,
    );
  }
  return toSafeInteger(units / stepUnits);
}

/** Formats a count of `step`s as a decimal string with as many decimals as the step has. */
export function fromSteps(
  steps: number,
  step: string,
  scale: number,
  opts: FormatAmountOptions = {},
): string {
  const stepUnits = parseStep(step, scale);
  const count = fromSafeInteger(steps);
  if (count < 0n) {
    throw new MoneyError('NEGATIVE_NOT_ALLOWED', `Invalid step count ${String(steps)}: must not be negative`);
  }
  const decimals = stepDecimals(step);
  const dropped = pow10(scale - decimals);
  const units = count * stepUnits;
  // Holds by construction: a step with `decimals` significant decimals is a multiple of 10^(scale - decimals).
  if (units % dropped !== 0n) {
    throw new Error(`fromSteps: invariant broken for step ${quoteInput(step)} at scale ${scale}`);
  }
  return formatAmount(units / dropped, decimals, opts);
}

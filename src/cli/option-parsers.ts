/**
 * @module cli/option-parsers
 * Parsers for command-line option values; a bad value is a usage error naming the option.
 */
import { InvalidArgumentError } from 'commander';

/** Parser for a positive integer option named `name` (e.g. `--k`). */
export function positiveInt(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Parser for an integer option (any sign). */
export function integer(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`${name} must be an integer, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Parser for a positive (finite) number option, e.g. `--max-cost-usd 0.5`. */
export function positiveNumber(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Parser for a non-negative integer option (0 allowed), e.g. `--max-queued-runs 0`. */
export function nonNegativeInt(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || value.trim() === '') throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Parser for a probability strictly between 0 and 1, e.g. `--target 0.95`. */
export function probability(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !(parsed > 0 && parsed < 1)) throw new InvalidArgumentError(`${name} must be a number in (0, 1), got ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Parser for an integer option in `[min, max]`, e.g. `--sequences 4` in [1, 64]. */
export function integerIn(name: string, min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

/** Parser for a TCP port option: 0 to 65535 (0: any free port). */
export function port(name: string): (value: string) => number {
  return integerIn(name, 0, 65535);
}

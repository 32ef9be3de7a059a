/**
 * A credential, parsed once and masked: it prints, serializes and logs as `[redacted]`, so a config object can
 * be logged or thrown without leaking what it holds. Only `reveal()` gives the value, at the point of use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

/** Constant-time comparison of two strings (equal length is not leaked beyond the length itself). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function hmacSha256(key: string, message: string | Buffer, encoding: 'hex' | 'base64' | 'base64url'): string {
  return createHmac('sha256', key).update(message).digest(encoding);
}

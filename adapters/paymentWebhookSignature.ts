import { createHmac, timingSafeEqual } from 'node:crypto';

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * Checks the gateway's `Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`
 * header over the raw body, in constant time, and rejects stale timestamps (replays).
 */
export function verifyPaymentWebhook(
  secret: string,
  header: string | null,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): void {
  if (!header) throw new WebhookSignatureError('The Gateway-Signature header is missing.');
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const key = item.slice(0, i).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(i + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const signatures = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || !signatures.length)
    throw new WebhookSignatureError('The Gateway-Signature header must look like "t=<unix seconds>,v1=<hex digest>".');
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    throw new WebhookSignatureError(
      `The Gateway-Signature timestamp is ${Math.abs(nowSeconds - t)} s away from now (tolerance ${toleranceSeconds} s); a replayed or delayed webhook.`,
    );
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const ok = signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok)
    throw new WebhookSignatureError(
      "The Gateway-Signature does not match the body; check that PAYMENT_WEBHOOK_SECRET is the gateway's webhook secret.",
    );
}

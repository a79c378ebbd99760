import { ParameterError } from './errors';

export interface ChargeRequest {
  amount: number;
  currency: string;
  paymentMethod: string;
  orderId: string;
  description?: string;
  /** Stripe-style key-value pairs the caller attaches; kept on the charge and sent with its webhook events. */
  metadata?: Record<string, string>;
}

export interface RefundRequest {
  charge: string;
  amount?: number;
  reason?: string;
}

function jsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (!text) throw new ParameterError('body', 'The request body is empty; send a JSON object.', 'body_missing');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ParameterError('body', `The request body is not valid JSON: ${(e as Error).message}.`, 'invalid_json');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ParameterError('body', 'The request body must be a JSON object.', 'invalid_json');
  return value as Record<string, unknown>;
}

/** Unknown parameters are refused (as Stripe does) so a misspelt field such as payment_method fails loudly. */
function onlyKnown(body: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      throw new ParameterError(
        key,
        `Received unknown parameter: ${key}. Known parameters: ${known.join(', ')}.`,
        'parameter_unknown',
      );
  }
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null)
    throw new ParameterError(name, `Missing required param: ${name}.`, 'parameter_missing');
  if (typeof value !== 'string' || value.trim() === '')
    throw new ParameterError(name, `${name} must be a non-empty string.`);
  return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ParameterError(name, `${name} must be a string.`);
  return value;
}

/** Stripe's limits: 50 keys of at most 40 characters (no square brackets), string values of at most 500. */
function optionalMetadata(body: Record<string, unknown>): Record<string, string> | undefined {
  const value = body.metadata;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ParameterError('metadata', 'metadata must be an object of string values, e.g. {"engine":"durable"}.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50)
    throw new ParameterError('metadata', `metadata holds at most 50 keys; this one has ${entries.length}.`);
  for (const [key, v] of entries) {
    if (key === '' || key.length > 40 || /[[\]]/.test(key))
      throw new ParameterError(
        `metadata[${key}]`,
        `metadata keys are 1–40 characters without square brackets, got ${JSON.stringify(key.slice(0, 60))}.`,
      );
    if (typeof v !== 'string' || v.length > 500)
      throw new ParameterError(`metadata[${key}]`, `metadata values are strings of at most 500 characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function positiveAmount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new ParameterError(
      'amount',
      `amount must be a positive integer in minor units (e.g. 1999 for 19.99), got ${JSON.stringify(value)}.`,
      'amount_invalid',
    );
  return value;
}

export function parseChargeRequest(body: Buffer): ChargeRequest {
  const json = jsonObject(body);
  onlyKnown(json, ['amount', 'currency', 'paymentMethod', 'orderId', 'description', 'metadata']);
  if (json.amount === undefined || json.amount === null)
    throw new ParameterError('amount', 'Missing required param: amount.', 'parameter_missing');
  const amount = positiveAmount(json.amount);
  const currency = requiredString(json, 'currency');
  if (!/^[A-Za-z]{3}$/.test(currency))
    throw new ParameterError(
      'currency',
      `currency must be a three-letter ISO 4217 code such as eur or USD, got ${JSON.stringify(currency)}.`,
      'currency_invalid',
    );
  return {
    amount,
    currency: currency.toLowerCase(),
    paymentMethod: requiredString(json, 'paymentMethod'),
    orderId: requiredString(json, 'orderId'),
    description: optionalString(json, 'description'),
    metadata: optionalMetadata(json),
  };
}

export function parseRefundRequest(body: Buffer): RefundRequest {
  const json = jsonObject(body);
  onlyKnown(json, ['charge', 'amount', 'reason']);
  return {
    charge: requiredString(json, 'charge'),
    amount: json.amount === undefined || json.amount === null ? undefined : positiveAmount(json.amount),
    reason: optionalString(json, 'reason'),
  };
}

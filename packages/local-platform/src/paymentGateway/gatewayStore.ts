import type { Statement } from 'better-sqlite3';
import type { ServiceDatabase } from '../persistence/serviceDatabase';
import { GatewayStoreError } from './errors';
import type { Charge, ChargeRecorder, LoadedCharges, Refund } from './gateway';
import type { KeyRecord, KeyRecorder, SavedResponse } from './idempotency';
import type { DeliveryRecorder, WebhookDelivery } from './webhook';

/** Everything a previous run of the gateway committed. */
export interface LoadedGateway extends LoadedCharges {
  keys: KeyRecord[];
  /** In dispatch order. */
  deliveries: WebhookDelivery[];
}

// Rows keep the objects the gateway serves as JSON: the gateway reads them back whole at start and never queries
// inside them, so columns exist only for keys and for what start-up must find (a confirmation's due time).
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS gateway_charges (id TEXT PRIMARY KEY, charge TEXT NOT NULL, confirm_at INTEGER);
  CREATE TABLE IF NOT EXISTS gateway_refunds (id TEXT PRIMARY KEY, refund TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS gateway_idempotency_keys (
    scope TEXT NOT NULL, key TEXT NOT NULL, attempts INTEGER NOT NULL, first_at INTEGER NOT NULL, saved TEXT,
    PRIMARY KEY (scope, key)
  );
  CREATE TABLE IF NOT EXISTS gateway_webhook_deliveries (
    event_id TEXT NOT NULL, endpoint INTEGER NOT NULL, delivery TEXT NOT NULL, PRIMARY KEY (event_id, endpoint)
  );
`;

/**
 * The payment gateway's tables in the platform's service database. The gateway keeps its model in memory and
 * writes every change through here; each operation queues its write for the next group commit, so the changes one
 * request makes synchronously (its attempt, its charge, its saved response) commit in one transaction, and
 * `durable()` is what an answer waits for.
 *
 * Fail-stop: once a commit fails, memory holds what the file does not, so nothing more is written (the file stays
 * a consistent earlier state) and `durable()` rejects with the cause, which the gateway answers with.
 */
export class GatewayStore implements ChargeRecorder, KeyRecorder, DeliveryRecorder {
  private failure: GatewayStoreError | undefined;
  private readonly insertCharge: Statement;
  private readonly updateCharge: Statement;
  private readonly settleCharge: Statement;
  private readonly insertRefund: Statement;
  private readonly upsertKey: Statement;
  private readonly deleteKey: Statement;
  private readonly upsertDelivery: Statement;

  constructor(
    private readonly database: ServiceDatabase,
    private readonly log: (level: 'error', message: string) => void,
  ) {
    const db = database.db;
    db.exec(SCHEMA);
    this.insertCharge = db.prepare('INSERT INTO gateway_charges (id, charge, confirm_at) VALUES (?, ?, ?)');
    this.updateCharge = db.prepare('UPDATE gateway_charges SET charge = ? WHERE id = ?');
    this.settleCharge = db.prepare('UPDATE gateway_charges SET charge = ?, confirm_at = NULL WHERE id = ?');
    this.insertRefund = db.prepare('INSERT INTO gateway_refunds (id, refund) VALUES (?, ?)');
    this.upsertKey = db.prepare(
      `INSERT INTO gateway_idempotency_keys (scope, key, attempts, first_at, saved) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET attempts = excluded.attempts, saved = excluded.saved`,
    );
    this.deleteKey = db.prepare('DELETE FROM gateway_idempotency_keys WHERE scope = ? AND key = ?');
    this.upsertDelivery = db.prepare(
      `INSERT INTO gateway_webhook_deliveries (event_id, endpoint, delivery) VALUES (?, ?, ?)
       ON CONFLICT (event_id, endpoint) DO UPDATE SET delivery = excluded.delivery`,
    );
  }

  /** What earlier runs committed, in creation order. */
  load(): LoadedGateway {
    const db = this.database.db;
    const charges: Charge[] = [];
    const confirmations = new Map<string, number>();
    const chargeRows = db.prepare('SELECT charge, confirm_at FROM gateway_charges ORDER BY rowid').all() as {
      charge: string;
      confirm_at: number | null;
    }[];
    for (const row of chargeRows) {
      const charge = JSON.parse(row.charge) as Charge;
      charges.push(charge);
      if (row.confirm_at !== null) confirmations.set(charge.id, row.confirm_at);
    }
    const refunds = (db.prepare('SELECT refund FROM gateway_refunds ORDER BY rowid').all() as { refund: string }[]).map(
      (row) => JSON.parse(row.refund) as Refund,
    );
    const keyRows = db
      .prepare('SELECT scope, key, attempts, first_at, saved FROM gateway_idempotency_keys ORDER BY rowid')
      .all() as { scope: string; key: string; attempts: number; first_at: number; saved: string | null }[];
    const keys = keyRows.map((row): KeyRecord => ({
      scope: row.scope,
      key: row.key,
      attempts: row.attempts,
      firstAt: row.first_at,
      ...(row.saved !== null ? { saved: JSON.parse(row.saved) as SavedResponse } : {}),
    }));
    const deliveries = (
      db.prepare('SELECT delivery FROM gateway_webhook_deliveries ORDER BY rowid').all() as { delivery: string }[]
    ).map((row) => JSON.parse(row.delivery) as WebhookDelivery);
    return { charges, refunds, confirmations, keys, deliveries };
  }

  chargeCreated(charge: Charge, confirmAt: number | undefined): void {
    const json = JSON.stringify(charge);
    this.write(() => this.insertCharge.run(charge.id, json, confirmAt ?? null));
  }

  chargeSettled(charge: Charge): void {
    const json = JSON.stringify(charge);
    this.write(() => this.settleCharge.run(json, charge.id));
  }

  refundCreated(refund: Refund, charge: Charge): void {
    const refundJson = JSON.stringify(refund);
    const chargeJson = JSON.stringify(charge);
    this.write(() => {
      this.insertRefund.run(refund.id, refundJson);
      this.updateCharge.run(chargeJson, charge.id);
    });
  }

  keyChanged(record: KeyRecord): void {
    const { scope, key, attempts, firstAt, saved } = record;
    const savedJson = saved ? JSON.stringify(saved) : null;
    this.write(() => this.upsertKey.run(scope, key, attempts, firstAt, savedJson));
  }

  keysForgotten(records: KeyRecord[]): void {
    const ids = records.map((r) => [r.scope, r.key] as const);
    this.write(() => ids.forEach(([scope, key]) => this.deleteKey.run(scope, key)));
  }

  deliveryChanged(delivery: WebhookDelivery): void {
    // Serialised now: the record keeps changing in memory (an attempt starts), and what is due is this state.
    const json = JSON.stringify(delivery);
    this.write(() => this.upsertDelivery.run(delivery.event.id, delivery.endpoint, json));
  }

  /** Resolves once every write queued so far is committed; rejects with the failure once a commit has failed. */
  async durable(): Promise<void> {
    if (!this.failure) await this.database.settled();
    if (this.failure) throw this.failure;
  }

  /** The failure that stopped the store, if one did. */
  failed(): GatewayStoreError | undefined {
    return this.failure;
  }

  private write(statements: () => void): void {
    if (this.failure) return;
    this.database.commit(statements).catch((e: unknown) => {
      if (this.failure) return;
      this.failure = new GatewayStoreError(this.database.options.location, e);
      this.log('error', this.failure.message);
    });
  }
}

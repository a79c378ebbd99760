import type { Statement } from 'better-sqlite3';
import type { ServiceDatabase } from '../persistence/serviceDatabase';

export interface SentEmail {
  id: string;
  repeatabilityId?: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
  acceptedAt: string;
}

/** An answer as the service sends it, kept per `repeatability-request-id` to be sent again for a repeat. */
export interface EmailAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A commit of the e-mail service's state failed; it refuses requests from then on, until the platform restarts. */
export class EmailStoreError extends Error {
  constructor(location: string, cause: unknown) {
    super(
      `The e-mail service could not commit its state to ${location} (${(cause as Error).message ?? String(cause)}); ` +
        'it answers nothing more until the platform restarts and reloads what was committed. Check the disk and LOCAL_SERVICES_STORE.',
    );
    this.name = 'EmailStoreError';
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS email_messages (id TEXT PRIMARY KEY, email TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS email_repeatability (request_id TEXT PRIMARY KEY, answer TEXT NOT NULL);
`;

/**
 * The e-mail service's tables in the platform's service database: what it accepted and the answer given to each
 * repeatability id. Writes are queued for the next group commit and `durable()` is what an answer waits for; once a
 * commit fails nothing more is written (fail-stop), so the file stays a consistent earlier state.
 */
export class EmailStore {
  private failure: EmailStoreError | undefined;
  private readonly insertEmail: Statement;
  private readonly insertAnswer: Statement;

  constructor(private readonly database: ServiceDatabase) {
    database.db.exec(SCHEMA);
    this.insertEmail = database.db.prepare('INSERT INTO email_messages (id, email) VALUES (?, ?)');
    this.insertAnswer = database.db.prepare('INSERT INTO email_repeatability (request_id, answer) VALUES (?, ?)');
  }

  /** What earlier runs committed: the e-mails in the order accepted, and the answers by repeatability id. */
  load(): { emails: SentEmail[]; answers: Map<string, EmailAnswer> } {
    const db = this.database.db;
    const emails = (db.prepare('SELECT email FROM email_messages ORDER BY rowid').all() as { email: string }[]).map(
      (row) => JSON.parse(row.email) as SentEmail,
    );
    const rows = db.prepare('SELECT request_id, answer FROM email_repeatability').all() as {
      request_id: string;
      answer: string;
    }[];
    return { emails, answers: new Map(rows.map((r) => [r.request_id, JSON.parse(r.answer) as EmailAnswer])) };
  }

  /**
   * A request was answered for good: the e-mail it accepted (none when it was refused) and, under its repeatability
   * id, the answer a repeat gets. One write, so a repeat never finds the answer without the e-mail or the reverse.
   */
  answered(repeatabilityId: string | undefined, answer: EmailAnswer, email: SentEmail | undefined): void {
    if (this.failure || (!email && repeatabilityId === undefined)) return;
    const emailJson = email && JSON.stringify(email);
    const answerJson = JSON.stringify(answer);
    this.database
      .commit(() => {
        if (email) this.insertEmail.run(email.id, emailJson);
        if (repeatabilityId !== undefined) this.insertAnswer.run(repeatabilityId, answerJson);
      })
      .catch((e: unknown) => {
        this.failure ??= new EmailStoreError(this.database.options.location, e);
      });
  }

  /** Resolves once every write queued so far is committed; rejects with the failure once a commit has failed. */
  async durable(): Promise<void> {
    if (!this.failure) await this.database.settled();
    if (this.failure) throw this.failure;
  }

  failed(): EmailStoreError | undefined {
    return this.failure;
  }
}

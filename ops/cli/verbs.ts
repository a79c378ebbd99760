import type { SagaRun } from '../model/sagaRun';
import type { TimelineEntry } from '../model/timeline';
import type { PlanItem, PlanItemsPage, ReplayPlan, ReplayResults } from '../replay/replayPlan';
import type { ApiAnswer, ApiErrorBody, OpsApiClient } from './apiClient';
import { CommandLine, onlyOptions, optionNumber, optionText, UsageError } from './args';
import { ProgressLine, watchReplay } from './progressBar';
import { table } from './table';

/** What a verb printed and the exit code: 0 done, 1 the call or some items failed, 2 bad usage. */
export interface VerbResult {
  code: 0 | 1 | 2;
  out: string;
}

export interface Verb {
  summary: string;
  help: string;
  /** `progress`: a line to draw progress on while a long call runs (a terminal, and not with --json). */
  run(line: CommandLine, api: OpsApiClient, json: boolean, progress?: ProgressLine): Promise<VerbResult>;
}

/** An answer that is not 2xx: its message, exit 2 when the input was refused (400), else 1. */
function failed(answer: ApiAnswer): VerbResult {
  const error = (answer.body as ApiErrorBody | undefined)?.error;
  const message = error ? `${error.code}: ${error.message}` : `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
  return { code: answer.status === 400 ? 2 : 1, out: `error (HTTP ${answer.status}) ${message}` };
}

const ok = (answer: ApiAnswer) => answer.status >= 200 && answer.status < 300;
const asJson = (body: unknown): string => JSON.stringify(body, null, 2);
const time = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '');

function whereQuery(line: CommandLine): URLSearchParams {
  const q = new URLSearchParams();
  const map: [string, string][] = [
    ['status', 'status'],
    ['engine', 'engine'],
    ['order', 'orderId'],
    ['since', 'since'],
    ['until', 'until'],
    ['step', 'step'],
    ['reason', 'reason'],
  ];
  for (const [option, param] of map) {
    const v = optionText(line, option);
    if (v !== undefined) q.set(param, v);
  }
  return q;
}

const runRows = (runs: SagaRun[]) =>
  runs.map((r) => [
    r.orderId ?? '(orphan)',
    r.engine,
    r.run,
    r.status,
    r.engineStatus,
    r.step,
    time(r.updatedAt),
    r.stuckRule ?? r.reason,
  ]);
const RUN_HEADERS = ['ORDER', 'ENGINE', 'RUN', 'STATUS', 'ENGINE STATUS', 'STEP', 'UPDATED', 'REASON'];

const list: Verb = {
  summary: 'list saga runs on both engines, filtered and paged',
  help: `Usage: ops list [--status S[|S…]] [--engine durable|stepFunctions] [--order PREFIX] [--since ISO] [--until ISO]
                [--step STEP] [--reason TEXT] [--page-size N] [--all] [--counts] [--json]

Statuses: Running, Awaiting, Stuck, NeedsAttention, Compensated, Completed, Failed, Terminated.
--all follows the continuation tokens to the end; --counts adds the count per status.

Examples:
  ops list --status Failed|NeedsAttention
  ops list --engine stepFunctions --since 2026-12-01T00:00:00Z --counts
  ops list --reason declined --json`,
  async run(line, api, json) {
    onlyOptions(line, ['status', 'engine', 'order', 'since', 'until', 'step', 'reason', 'page-size', 'all', 'counts']);
    const q = whereQuery(line);
    q.set('pageSize', String(optionNumber(line, 'page-size') ?? 50));
    if (line.options.has('counts')) q.set('counts', 'true');
    const runs: SagaRun[] = [];
    let counts: unknown;
    let token: string | undefined;
    let more: boolean;
    do {
      if (token) q.set('continuationToken', token);
      const answer = await api.call('GET', `sagas?${q}`);
      if (!ok(answer)) return failed(answer);
      const body = answer.body as { runs: SagaRun[]; continuationToken?: string; counts?: unknown };
      runs.push(...body.runs);
      counts ??= body.counts;
      q.delete('counts');
      more = !!body.continuationToken;
      token = line.options.has('all') ? body.continuationToken : undefined;
    } while (token);
    if (json) return { code: 0, out: asJson({ runs, ...(counts ? { counts } : {}) }) };
    let out = table(RUN_HEADERS, runRows(runs));
    if (more) out += '\n(more runs: add --all, or --page-size)';
    if (counts) {
      const byStatus = (counts as { byStatus: Record<string, number>; total: number }).byStatus;
      out += `\n\n${table(
        ['STATUS', 'COUNT'],
        Object.entries(byStatus).filter(([, n]) => n),
      )}\ntotal ${(counts as { total: number }).total}`;
    }
    return { code: 0, out };
  },
};

function timelineRows(timeline: TimelineEntry[]) {
  return timeline.map((e) =>
    e.kind === 'attempt'
      ? [
          e.activity,
          `attempt ${e.attempt}`,
          time(e.start),
          e.durationMs === undefined ? '' : `${e.durationMs} ms`,
          e.result,
          e.error,
        ]
      : [`await:${e.event}`, 'wait', time(e.start), `deadline ${time(e.deadline)}`, e.result, ''],
  );
}

const show: Verb = {
  summary: "one order: its runs on both engines, timelines, and the engines' trace diff",
  help: `Usage: ops show <orderId> [--json]

Examples:
  ops show ord-1001
  ops show ord-1001 --json | jq '.latest.durable.timeline'`,
  async run(line, api, json) {
    onlyOptions(line, []);
    const [orderId] = line.words;
    if (!orderId || line.words.length > 1) throw new UsageError('show takes exactly one order id.');
    const answer = await api.call('GET', `sagas/${encodeURIComponent(orderId)}`);
    if (!ok(answer)) return failed(answer);
    if (json) return { code: 0, out: asJson(answer.body) };
    const view = answer.body as {
      runs: SagaRun[];
      latest: Record<string, { run: SagaRun; trace: string[]; timeline: TimelineEntry[] }>;
      diff?: { same: boolean; firstDivergence?: { index: number; durable?: string; stepFunctions?: string } };
    };
    const parts = [table(RUN_HEADERS, runRows(view.runs))];
    for (const [engine, d] of Object.entries(view.latest)) {
      parts.push(`\n${engine} ${d.run.run}: ${d.run.status}${d.run.reason ? ` (${d.run.reason})` : ''}`);
      parts.push(`trace: ${d.trace.join(' → ')}`);
      parts.push(table(['STEP', 'ATTEMPT', 'START', 'DURATION', 'RESULT', 'ERROR'], timelineRows(d.timeline)));
    }
    if (view.diff)
      parts.push(
        view.diff.same
          ? '\nboth engines: same trace, attempts and outcome'
          : `\nengines differ: first at step ${view.diff.firstDivergence?.index} (durable ${view.diff.firstDivergence?.durable ?? '-'}, stepFunctions ${view.diff.firstDivergence?.stepFunctions ?? '-'})`,
      );
    return { code: 0, out: parts.join('\n') };
  },
};

const PLAN_HEADERS = ['ORDER', 'ENGINE', 'RUN', 'STATUS', 'ACTION', 'ELIGIBLE', 'NEW RUN', 'WHY'];
const planRows = (items: PlanItem[]) =>
  items.map((i) => [
    i.orderId,
    i.engine,
    i.run,
    i.status,
    i.action,
    i.eligible ? 'yes' : 'no',
    i.newRun ?? '',
    i.reason,
  ]);

function planText(plan: ReplayPlan): string {
  const parts = [table(PLAN_HEADERS, planRows(plan.items), 90)];
  const total = plan.summary.eligible + plan.summary.ineligible;
  if (plan.itemsContinuationToken)
    parts.push(`… and ${total - plan.items.length} more: ops plan ${plan.planHash} lists every item`);
  for (const i of plan.items.filter((x) => x.eligible).slice(0, 5)) {
    parts.push(`\n${i.orderId} (${i.engine}):`);
    for (const s of i.steps) parts.push(`  ${s.runs ? 'runs ' : 'kept '} ${s.step.padEnd(17)} ${s.effect}`);
  }
  const byAction = Object.entries(plan.byAction ?? {})
    .map(([action, c]) => `${action} ${c.eligible} eligible, ${c.ineligible} not`)
    .join('; ');
  parts.push(
    `\n${plan.summary.eligible} eligible, ${plan.summary.ineligible} not${byAction ? ` (${byAction})` : ''}; plan hash ${plan.planHash}`,
  );
  return parts.join('\n');
}

const planItemsVerb: Verb = {
  summary: "list every item of a dry run's plan, page by page",
  help: `Usage: ops plan <planHash> [--json]

A dry run answers its first page of items; this reads them all (GET /api/ops/replays/{planHash}/items), in the
plan's order. --json prints one item per line (JSON Lines).

Examples:
  ops plan 3f2a9c0e5b7d41a6c8e0f1d2a3b4c5d6
  ops plan 3f2a9c0e5b7d41a6c8e0f1d2a3b4c5d6 --json | jq -c 'select(.eligible | not)'`,
  async run(line, api, json) {
    onlyOptions(line, []);
    const [planHash] = line.words;
    if (!planHash || line.words.length > 1) throw new UsageError('plan takes exactly one plan hash.');
    const out: string[] = [];
    let token: string | undefined;
    let count = 0;
    do {
      const answer = await api.call(
        'GET',
        `replays/${encodeURIComponent(planHash)}/items${token ? `?continuationToken=${encodeURIComponent(token)}` : ''}`,
      );
      if (!ok(answer)) return failed(answer);
      const page = answer.body as PlanItemsPage;
      count += page.items.length;
      out.push(
        json ? page.items.map((i) => JSON.stringify(i)).join('\n') : table(PLAN_HEADERS, planRows(page.items), 90),
      );
      token = page.continuationToken;
    } while (token);
    if (!json) out.push(`${count} item(s) in plan ${planHash}`);
    return { code: 0, out: out.filter(Boolean).join('\n') };
  },
};

const replay: Verb = {
  summary: 'replay sagas (resume or restart): a dry run first, then apply with --yes',
  help: `Usage: ops replay (<orderId>… | --where status=Failed,engine=durable,since=ISO) --mode resume|restart
                  --reason TEXT [--yes | --plan-hash HASH] [--concurrency N] [--rate N] [--json]

resume   continues the run from its failed step (Durable rewind, Step Functions RedriveExecution): what succeeded
         is kept and nothing is charged twice. A Terminated Durable run (which rewind refuses) is continued by a
         resume run <run>.resume<M> of the same attempt that skips the steps done, keeping their results.
restart  starts a new run of the order (<orderId>.r<N>) from its original input: a new attempt, whose charge and
         refund use the new run's keys.
The plan is always shown first. --yes applies it right after; --plan-hash applies a plan shown earlier. Applying
refuses a plan whose sagas changed since (exit 1, naming them). Bulk applies run --concurrency (default 8) at a
time, at most --rate (default 20) per second; one failing saga never stops the others (exit 1 if any failed).
On a terminal a progress bar shows how far the apply is (done, applied, skipped, failed, per second); --json and
output into a pipe or a file get the results only.

Examples:
  ops replay ord-1001 --mode restart --reason "card limit raised, INC-42"
  ops replay --where status=Failed,engine=durable,since=2026-12-06T00:00:00Z --mode resume --reason "bug fixed" --yes`,
  async run(line, api, json, progress) {
    onlyOptions(line, ['where', 'mode', 'reason', 'yes', 'plan-hash', 'concurrency', 'rate']);
    const mode = optionText(line, 'mode');
    if (mode !== 'resume' && mode !== 'restart') throw new UsageError('--mode must be resume or restart.');
    const reason = optionText(line, 'reason');
    if (!reason?.trim()) throw new UsageError('--reason is required: say why (it is recorded in the audit).');
    const whereText = optionText(line, 'where');
    if (!line.words.length && !whereText) throw new UsageError('Name the orders, or select them with --where.');
    if (line.words.length && whereText) throw new UsageError('Name orders or give --where, not both.');
    const where = whereText ? Object.fromEntries(whereText.split(',').map((p) => p.split(/=(.*)/s, 2))) : undefined;
    const selection = line.words.length ? { orderIds: line.words } : { where };
    const bounds = { concurrency: optionNumber(line, 'concurrency'), perSecond: optionNumber(line, 'rate') };
    const given = optionText(line, 'plan-hash');
    const dry = await api.call('POST', 'replays', { ...selection, mode, reason, dryRun: true });
    if (!ok(dry)) return failed(dry);
    const plan = dry.body as ReplayPlan;
    if (!line.options.has('yes') && !given)
      return {
        code: 0,
        out: json
          ? asJson(plan)
          : `${planText(plan)}\nnothing applied: run again with --yes (or --plan-hash ${plan.planHash})`,
      };
    const planHash = given ?? plan.planHash;
    const stop = progress && watchReplay(api, planHash, plan.summary.eligible, progress);
    const applied = await api
      .call('POST', 'replays', {
        ...selection,
        mode,
        reason,
        dryRun: false,
        planHash,
        ...bounds,
      })
      .finally(() => stop?.());
    if (!ok(applied)) return { ...failed(applied), out: `${json ? '' : `${planText(plan)}\n`}${failed(applied).out}` };
    const results = applied.body as ReplayResults;
    const code = results.summary.failed ? 1 : 0;
    if (json) return { code, out: asJson({ plan, results }) };
    return {
      code,
      out: `${planText(plan)}\n\n${table(
        ['ORDER', 'ENGINE', 'RUN', 'ACTION', 'RESULT', 'DETAIL'],
        results.results.map((r) => [r.orderId, r.engine, r.run, r.action, r.result, r.detail]),
        90,
      )}${results.omitted ? `\n… and ${results.omitted} more result(s): every one is in audit entry ${results.auditId} (ops audit --action replay --jsonl)` : ''}\napplied ${results.summary.applied}, skipped ${results.summary.skipped}, failed ${results.summary.failed} in ${results.summary.durationMs} ms (${results.summary.perSecond}/s)`,
    };
  },
};

const decide: Verb = {
  summary: 'settle a parked (NeedsAttention) saga: retryCompensation or markResolved',
  help: `Usage: ops decide <orderId> --action retryCompensation|markResolved [--note TEXT] [--json]

markResolved needs a note saying how it was settled; who decided is your key's name.

Examples:
  ops decide ord-1001 --action retryCompensation
  ops decide ord-1001 --action markResolved --note "refunded by hand in the gateway, FIN-12"`,
  async run(line, api, json) {
    onlyOptions(line, ['action', 'note']);
    const [orderId] = line.words;
    if (!orderId || line.words.length > 1) throw new UsageError('decide takes exactly one order id.');
    const action = optionText(line, 'action');
    if (!action) throw new UsageError('--action is required: retryCompensation or markResolved.');
    const answer = await api.call('POST', `sagas/${encodeURIComponent(orderId)}/decision`, {
      action,
      note: optionText(line, 'note'),
    });
    if (!ok(answer)) return failed(answer);
    const body = answer.body as { engine: string; run: string; decision: { action: string; by: string } };
    return {
      code: 0,
      out: json ? asJson(body) : `${body.decision.action} sent to ${body.engine} ${body.run} (by ${body.decision.by})`,
    };
  },
};

const terminate: Verb = {
  summary: "stop an order's runs that are still in progress",
  help: `Usage: ops terminate <orderId> --reason TEXT [--json]

Example:
  ops terminate ord-1001 --reason "customer cancelled by phone"`,
  async run(line, api, json) {
    onlyOptions(line, ['reason']);
    const [orderId] = line.words;
    if (!orderId || line.words.length > 1) throw new UsageError('terminate takes exactly one order id.');
    const answer = await api.call('POST', `sagas/${encodeURIComponent(orderId)}/terminate`, {
      reason: optionText(line, 'reason') ?? '',
    });
    if (!ok(answer)) return failed(answer);
    const body = answer.body as { outcomes: { engine: string; result: string; detail: string }[] };
    const code = body.outcomes.some((o) => o.result === 'failed') ? 1 : 0;
    return {
      code,
      out: json
        ? asJson(body)
        : table(
            ['ENGINE', 'RESULT', 'DETAIL'],
            body.outcomes.map((o) => [o.engine, o.result, o.detail]),
          ),
    };
  },
};

const purge: Verb = {
  summary: "delete the history of named orders' runs that are over (Durable)",
  help: `Usage: ops purge <orderId>… --reason TEXT [--json]

Only runs that are over are purged, and only for the orders named: there is no purge by filter.
Step Functions keeps closed executions for 90 days and cannot purge them sooner.

Example:
  ops purge ord-1001 ord-1002 --reason "GDPR erasure request 77"`,
  async run(line, api, json) {
    onlyOptions(line, ['reason']);
    if (!line.words.length) throw new UsageError('purge needs the order ids to purge.');
    const answer = await api.call('POST', 'purges', { orderIds: line.words, reason: optionText(line, 'reason') ?? '' });
    if (!ok(answer)) return failed(answer);
    const body = answer.body as { outcomes: { orderId: string; engine: string; result: string; detail: string }[] };
    const code = body.outcomes.some((o) => o.result === 'failed') ? 1 : 0;
    return {
      code,
      out: json
        ? asJson(body)
        : table(
            ['ORDER', 'ENGINE', 'RESULT', 'DETAIL'],
            body.outcomes.map((o) => [o.orderId, o.engine, o.result, o.detail]),
          ),
    };
  },
};

const audit: Verb = {
  summary: "what operators did: who, when, what, why and each saga's outcome",
  help: `Usage: ops audit [--from ISO] [--to ISO] [--who NAME] [--action replay|decide|terminate|purge] [--order ID]
                 [--page-size N] [--jsonl | --json]

Examples:
  ops audit --action replay --from 2026-12-06T00:00:00Z
  ops audit --jsonl > audit.jsonl`,
  async run(line, api, json) {
    onlyOptions(line, ['from', 'to', 'who', 'action', 'order', 'page-size', 'jsonl']);
    const q = new URLSearchParams();
    for (const [option, param] of [
      ['from', 'from'],
      ['to', 'to'],
      ['who', 'who'],
      ['action', 'action'],
      ['order', 'orderId'],
    ]) {
      const v = optionText(line, option);
      if (v !== undefined) q.set(param, v);
    }
    q.set('pageSize', String(optionNumber(line, 'page-size') ?? 100));
    if (line.options.has('jsonl')) q.set('format', 'jsonl');
    const answer = await api.call('GET', `audit?${q}`);
    if (!ok(answer)) return failed(answer);
    if (line.options.has('jsonl')) return { code: 0, out: answer.text.trimEnd() };
    if (json) return { code: 0, out: asJson(answer.body) };
    const entries = (
      answer.body as {
        entries: {
          at: string;
          who: string;
          action: string;
          dryRun: boolean;
          reason: string;
          targets: unknown[];
          itemCount?: number;
          outcomes?: { result: string }[];
          outcomeCounts?: { applied: number };
          planHash?: string;
        }[];
      }
    ).entries;
    return {
      code: 0,
      out: table(
        ['AT', 'WHO', 'ACTION', 'DRY RUN', 'TARGETS', 'APPLIED', 'PLAN', 'REASON'],
        entries.map((e) => [
          time(e.at),
          e.who,
          e.action,
          e.dryRun ? 'yes' : '',
          e.itemCount ?? e.targets.length,
          e.outcomeCounts?.applied ?? (e.outcomes ? e.outcomes.filter((o) => o.result === 'applied').length : ''),
          e.planHash,
          e.reason,
        ]),
      ),
    };
  },
};

export const VERBS: Record<string, Verb> = { list, show, replay, plan: planItemsVerb, decide, terminate, purge, audit };

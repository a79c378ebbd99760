import { ArnScope, checkName, ruleArn, targetKind } from './arns';
import type { EventBuses } from './buses';
import { LimitExceededException, ResourceNotFoundException, ValidationException, validationError } from './errors';
import type { CompiledEventPattern } from './eventPattern';
import {
  Body,
  optionalArray,
  optionalBoolean,
  optionalDescription,
  optionalNumber,
  optionalString,
  optionalStringArray,
  requireString,
} from './jsonProtocol';
import { MAX_TARGETS_PER_REQUEST, MAX_TARGETS_PER_RULE } from './limits';
import { page } from './paging';
import { compilePattern, patternText } from './patterns';
import { readTarget, TargetRow, targetProblem } from './targetConfig';

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
const RULE_STATES: readonly RuleState[] = ['DISABLED', 'ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

export interface RuleRow {
  name: string;
  bus: string;
  arn: string;
  eventPattern: string;
  matcher: CompiledEventPattern;
  state: RuleState;
  description?: string;
  roleArn?: string;
  targets: TargetRow[];
}

export function ruleNotFound(name: string, bus: string): Error {
  return new ResourceNotFoundException(`Rule ${name} does not exist on EventBus ${bus}.`);
}

/**
 * Rules and their targets, per event bus. Rules live in memory: the platform reinstalls the rules of the SAM
 * template on every start, and rules created through the API are lost when the process stops.
 */
export class Rules {
  private readonly rows = new Map<string, RuleRow>();

  constructor(
    private readonly scope: ArnScope,
    private readonly buses: EventBuses,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /** ENABLED rules of `bus` whose pattern matches `event`, in name order. */
  matching(bus: string, event: unknown): RuleRow[] {
    const out: RuleRow[] = [];
    for (const row of this.rows.values())
      if (row.bus === bus && row.state !== 'DISABLED' && row.matcher.matches(event)) out.push(row);
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  byArn(arn: string): RuleRow | undefined {
    for (const row of this.rows.values()) if (row.arn === arn) return row;
    return undefined;
  }

  onBusDeleted(bus: string): void {
    for (const [key, row] of this.rows) if (row.bus === bus) this.rows.delete(key);
  }

  put(b: Body): Body {
    const name = requireString(b, 'Name');
    checkName('rule', 'Name', name);
    const bus = this.buses.get(optionalString(b, 'EventBusName')).name;
    const schedule = optionalString(b, 'ScheduleExpression');
    const pattern = patternText(b);
    if (schedule !== undefined)
      throw new ValidationException(
        `ScheduleExpression '${schedule}' is not supported by the local EventBridge: only event-pattern rules are ` +
          'emulated. Use a timer-triggered function or call PutEvents on a schedule instead.',
      );
    if (pattern === undefined)
      throw new ValidationException('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    const matcher = compilePattern(pattern);
    const state = (optionalString(b, 'State') ?? 'ENABLED') as RuleState;
    if (!RULE_STATES.includes(state))
      throw validationError('state', `Member must satisfy enum value set: [${RULE_STATES.join(', ')}]`, state);
    const description = optionalDescription(b);
    const key = `${bus}\u0000${name}`;
    const existing = this.rows.get(key);
    // PutRule replaces the rule with what the call specifies (omitted members are not kept); targets stay.
    const row: RuleRow = {
      name,
      bus,
      arn: ruleArn(this.scope, bus, name),
      eventPattern: pattern,
      matcher,
      state,
      description,
      roleArn: optionalString(b, 'RoleArn'),
      targets: existing?.targets ?? [],
    };
    this.rows.set(key, row);
    return { RuleArn: row.arn };
  }

  get(name: string, busNameOrArn: string | undefined): RuleRow {
    const bus = this.buses.get(busNameOrArn).name;
    const row = this.rows.get(`${bus}\u0000${name}`);
    if (!row) throw ruleNotFound(name, bus);
    return row;
  }

  describe(b: Body): Body {
    const row = this.get(requireString(b, 'Name'), optionalString(b, 'EventBusName'));
    return { ...this.wire(row), CreatedBy: this.scope.accountId };
  }

  list(b: Body): Body {
    const bus = this.buses.get(optionalString(b, 'EventBusName')).name;
    const prefix = optionalString(b, 'NamePrefix') ?? '';
    const result = page(
      [...this.rows.values()].filter((r) => r.bus === bus && r.name.startsWith(prefix)),
      (r) => r.name,
      `rules:${bus}:${prefix}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      Rules: result.items.map((r) => this.wire(r)),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  listNamesByTarget(b: Body): Body {
    const bus = this.buses.get(optionalString(b, 'EventBusName')).name;
    const targetArn = requireString(b, 'TargetArn');
    const result = page(
      [...this.rows.values()].filter((r) => r.bus === bus && r.targets.some((t) => t.Arn === targetArn)),
      (r) => r.name,
      `rulesByTarget:${bus}:${targetArn}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      RuleNames: result.items.map((r) => r.name),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  /** Deleting a missing rule succeeds, as in AWS; a rule with targets cannot be deleted. */
  delete(b: Body): Body {
    const name = requireString(b, 'Name');
    const bus = this.buses.get(optionalString(b, 'EventBusName')).name;
    optionalBoolean(b, 'Force');
    const row = this.rows.get(`${bus}\u0000${name}`);
    if (!row) return {};
    // Force only applies to rules managed by other AWS services, which are not emulated.
    if (row.targets.length > 0) throw new ValidationException("Rule can't be deleted since it has targets.");
    this.rows.delete(`${bus}\u0000${name}`);
    return {};
  }

  setState(b: Body, state: RuleState): Body {
    this.get(requireString(b, 'Name'), optionalString(b, 'EventBusName')).state = state;
    return {};
  }

  putTargets(b: Body): Body {
    const row = this.get(requireString(b, 'Rule'), optionalString(b, 'EventBusName'));
    const list = optionalArray(b, 'Targets');
    if (!list) throw validationError('targets', 'Member must not be null');
    if (list.length < 1) throw validationError('targets', 'Member must have length greater than or equal to 1', '[]');
    if (list.length > MAX_TARGETS_PER_REQUEST)
      throw validationError(
        'targets',
        `Member must have length less than or equal to ${MAX_TARGETS_PER_REQUEST}`,
        `[${list.length} targets]`,
      );
    const targets = list.map((t, i) => {
      if (!t || typeof t !== 'object' || Array.isArray(t))
        throw validationError(`targets.${i + 1}.member`, 'Member must not be null');
      return readTarget(t as Body, i);
    });
    const failed: Body[] = [];
    const accepted: TargetRow[] = [];
    for (const t of targets) {
      const problem = targetProblem(t);
      if (problem) failed.push({ TargetId: t.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
      else accepted.push(t);
    }
    const ids = new Set([...row.targets.map((t) => t.Id), ...accepted.map((t) => t.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE)
      throw new LimitExceededException(
        `The requested resource exceeds the maximum number allowed: rule ${row.name} would have ${ids.size} targets ` +
          `(at most ${MAX_TARGETS_PER_RULE} per rule).`,
      );
    for (const t of accepted) {
      if (targetKind(t.Arn) === 'unsupported')
        this.log(
          'warn',
          `EventBridge rule ${row.name}: target ${t.Id} (${t.Arn}) is not a kind the local EventBridge delivers to ` +
            '(API destinations, Lambda functions, Step Functions state machines and event buses are); deliveries to it fail with NO_RESOURCE (dead-lettered, or dropped without a DeadLetterConfig).',
        );
      const at = row.targets.findIndex((x) => x.Id === t.Id);
      if (at >= 0) row.targets[at] = t;
      else row.targets.push(t);
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  /** Ids that are not targets of the rule are ignored, as in AWS. */
  removeTargets(b: Body): Body {
    const row = this.get(requireString(b, 'Rule'), optionalString(b, 'EventBusName'));
    const ids = optionalStringArray(b, 'Ids');
    if (!ids) throw validationError('ids', 'Member must not be null');
    if (ids.length < 1) throw validationError('ids', 'Member must have length greater than or equal to 1', '[]');
    optionalBoolean(b, 'Force');
    row.targets = row.targets.filter((t) => !ids.includes(t.Id));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargets(b: Body): Body {
    const row = this.get(requireString(b, 'Rule'), optionalString(b, 'EventBusName'));
    const result = page(
      row.targets,
      (t) => t.Id,
      `targets:${row.arn}`,
      optionalString(b, 'NextToken'),
      optionalNumber(b, 'Limit'),
    );
    return {
      Targets: result.items.map((t) => structuredClone(t)),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  private wire(r: RuleRow): Body {
    return {
      Name: r.name,
      Arn: r.arn,
      EventPattern: r.eventPattern,
      State: r.state,
      ...(r.description !== undefined ? { Description: r.description } : {}),
      ...(r.roleArn !== undefined ? { RoleArn: r.roleArn } : {}),
      EventBusName: r.bus,
    };
  }
}

import { Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar } from 'yaml';
import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';
import { TemplateParseError } from './errors';

/**
 * CloudFormation's short-form tags and the long form each stands for. `!GetAtt` and `!Ref`/`!Condition` are not a
 * plain `Fn::` wrap, so they are handled in `longForm`.
 */
const FN_TAGS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'GetAtt',
] as const;
const SHORT_TAGS = [...FN_TAGS, 'Ref', 'Condition'].map((name) => `!${name}`);

/**
 * The tags are registered only so the parser accepts them; the nodes keep their tag and `toLongForm` turns them
 * into `{ "Fn::X": ... }` while walking the tree. Doing it in one walk (instead of in each tag's `resolve`) keeps
 * nested tags and aliases working without relying on the order in which the parser resolves them.
 */
const customTags: (ScalarTag | CollectionTag)[] = SHORT_TAGS.flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => node },
  { tag, collection: 'map' as const, resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => node },
]);

interface WalkContext {
  doc: Document;
  lines: LineCounter;
  file: string;
}

function where(ctx: WalkContext, node: Node): string {
  const offset = node.range?.[0];
  if (offset === undefined) return ctx.file;
  const { line, col } = ctx.lines.linePos(offset);
  return `${ctx.file}:${line}:${col}`;
}

function longForm(tag: string, value: unknown, node: Node, ctx: WalkContext): unknown {
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') {
    if (typeof value !== 'string') {
      throw new TemplateParseError(
        `${tag} at ${where(ctx, node)} needs a logical id or parameter name (a scalar), not a list or map.`,
        ctx.file,
      );
    }
    return { [name]: value };
  }
  if (name === 'GetAtt' && typeof value === 'string') {
    // `!GetAtt A.B.C` is resource `A`, attribute `B.C` (nested attributes keep their dots).
    const dot = value.indexOf('.');
    if (dot <= 0 || dot === value.length - 1) {
      throw new TemplateParseError(
        `!GetAtt ${value} at ${where(ctx, node)} must be written LogicalId.Attribute (e.g. !GetAtt ChargePayment.Arn).`,
        ctx.file,
      );
    }
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

function toLongForm(node: Node | Alias | null | undefined, ctx: WalkContext): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toLongForm(node.resolve(ctx.doc) as Node | undefined, ctx);
  let value: unknown;
  if (isScalar(node)) {
    value = (node as Scalar).value;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toLongForm(item as Node, ctx));
  } else if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = toLongForm(pair.key as Node, ctx);
      out[String(key)] = toLongForm(pair.value as Node, ctx);
    }
    value = out;
  } else {
    throw new TemplateParseError(`Unsupported YAML node at ${where(ctx, node)}.`, ctx.file);
  }
  const tag = node.tag;
  // Unknown local tags never get here: the parser reports them as warnings, which `parseCfnTemplate` rejects.
  if (!tag || !SHORT_TAGS.includes(tag)) return value;
  return longForm(tag, value, node, ctx);
}

/**
 * Parses a CloudFormation/SAM template written in YAML (short-form tags mapped to their long forms) or JSON.
 * `file` only names the source in error messages.
 */
export function parseCfnTemplate(text: string, file: string): Record<string, unknown> {
  const trimmed = text.trimStart();
  let parsed: unknown;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new TemplateParseError(`${file} is not valid JSON: ${(e as Error).message}`, file);
    }
  } else {
    const lines = new LineCounter();
    const doc = parseDocument(text, { customTags, lineCounter: lines, uniqueKeys: true });
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      // Warnings include unresolved tags, which would otherwise silently become plain strings.
      const detail = problems.map((p) => `${p.message.split('\n')[0]} (${p.code})`).join('; ');
      throw new TemplateParseError(`${file} is not a readable YAML template: ${detail}`, file);
    }
    parsed = toLongForm(doc.contents as Node | null, { doc, lines, file });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TemplateParseError(`${file} must hold a mapping with a Resources section at its top level.`, file);
  }
  return parsed as Record<string, unknown>;
}

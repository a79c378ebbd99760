/**
 * The syntax tree of a Cosmos DB SQL query, as the parser builds it. Every node keeps its span in the query text so
 * that later checks can point at the offending part, as Cosmos' error locations do.
 */

/** Character offsets in the query text, end exclusive. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

export type BinaryOperator =
  | '*'
  | '/'
  | '%'
  | '+'
  | '-'
  | '<<'
  | '>>'
  | '>>>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '='
  | '!='
  | '&'
  | '^'
  | '|'
  | '||'
  | 'AND'
  | 'OR';

export type UnaryOperator = '-' | '+' | '~' | 'NOT';

export type Expression =
  | { readonly kind: 'literal'; readonly value: unknown; readonly span: SourceSpan }
  | { readonly kind: 'parameter'; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: 'identifier'; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: 'property'; readonly object: Expression; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: 'index'; readonly object: Expression; readonly index: Expression; readonly span: SourceSpan }
  | { readonly kind: 'array'; readonly items: readonly Expression[]; readonly span: SourceSpan }
  | { readonly kind: 'object'; readonly properties: readonly ObjectProperty[]; readonly span: SourceSpan }
  | {
      readonly kind: 'unary';
      readonly operator: UnaryOperator;
      readonly operand: Expression;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'in';
      readonly needle: Expression;
      readonly haystack: readonly Expression[];
      readonly negated: boolean;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'like';
      readonly value: Expression;
      readonly pattern: Expression;
      readonly escape: string | undefined;
      readonly negated: boolean;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'between';
      readonly value: Expression;
      readonly low: Expression;
      readonly high: Expression;
      readonly negated: boolean;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'conditional';
      readonly condition: Expression;
      readonly whenTrue: Expression;
      readonly whenFalse: Expression;
      readonly span: SourceSpan;
    }
  | { readonly kind: 'coalesce'; readonly left: Expression; readonly right: Expression; readonly span: SourceSpan }
  | {
      readonly kind: 'call';
      /** As written; function names are case-insensitive. */
      readonly name: string;
      readonly args: readonly Expression[];
      readonly span: SourceSpan;
    }
  | {
      /**
       * `EXISTS(query)`, `ARRAY(query)` or a parenthesised `(query)`: correlated, evaluated once per row of the
       * enclosing query, whose aliases it may use.
       */
      readonly kind: 'subquery';
      readonly form: 'EXISTS' | 'ARRAY' | 'scalar';
      readonly query: QuerySyntax;
      readonly span: SourceSpan;
    };

export interface ObjectProperty {
  readonly name: string;
  readonly value: Expression;
}

/** `TOP`, `OFFSET` and `LIMIT` take a number literal or a parameter. */
export type CountSpec =
  | { readonly kind: 'literal'; readonly value: number; readonly span: SourceSpan }
  | { readonly kind: 'parameter'; readonly name: string; readonly span: SourceSpan };

export type Selection =
  | { readonly kind: 'star'; readonly span: SourceSpan }
  | { readonly kind: 'value'; readonly expression: Expression }
  | { readonly kind: 'list'; readonly items: readonly SelectItem[] };

export interface SelectItem {
  readonly expression: Expression;
  readonly alias: string | undefined;
}

/** A step into a FROM source: `.name`, `["name"]` or `[0]`. */
export type PathStep = string | number;

/**
 * What a FROM source reads: a path from its root identifier (the container, of any name, for the first source of
 * the outermost query; an alias bound before it otherwise), or the results of a correlated subquery.
 */
export type Collection =
  | { readonly kind: 'path'; readonly root: string; readonly rootSpan: SourceSpan; readonly path: readonly PathStep[] }
  | { readonly kind: 'subquery'; readonly query: QuerySyntax; readonly span: SourceSpan };

/**
 * One source of the FROM clause. `iterate` is `alias IN collection`: one binding per array element. The alias is
 * undefined only for `JOIN (subquery)` without one, which filters without binding a name.
 */
export interface FromSource {
  readonly collection: Collection;
  readonly alias: string | undefined;
  readonly iterate: boolean;
  readonly span: SourceSpan;
}

export interface OrderByItem {
  readonly expression: Expression;
  readonly descending: boolean;
}

export interface QuerySyntax {
  readonly selectSpan: SourceSpan;
  readonly distinct: boolean;
  readonly top: CountSpec | undefined;
  readonly selection: Selection;
  /** The first source, then the JOINed ones; empty without a FROM clause. */
  readonly from: readonly FromSource[];
  readonly where: Expression | undefined;
  readonly groupBy: readonly Expression[] | undefined;
  readonly groupBySpan: SourceSpan | undefined;
  readonly orderBy: readonly OrderByItem[] | undefined;
  readonly orderBySpan: SourceSpan | undefined;
  readonly offset: CountSpec | undefined;
  readonly limit: CountSpec | undefined;
}

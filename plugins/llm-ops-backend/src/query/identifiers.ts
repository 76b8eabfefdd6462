import { Token, TokenStream } from './tokenizer';
import { RunAttribute, RunEntity } from './types';

// MLflow accepts singular and plural prefixes; `run.` and `attr.` are common shorthands.
const entityByPrefix: Record<string, RunEntity> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

export type AttributeSpec = {
  /** Column of the `runs` table. */
  column: string;
  kind: 'string' | 'number';
  /** Whether IN / NOT IN lists are allowed (MLflow allows them for status and run_id). */
  allowsList: boolean;
};

export const runAttributes: Record<RunAttribute, AttributeSpec> = {
  status: { column: 'status', kind: 'string', allowsList: true },
  run_name: { column: 'name', kind: 'string', allowsList: false },
  run_id: { column: 'id', kind: 'string', allowsList: true },
  start_time: { column: 'start_time', kind: 'number', allowsList: false },
  end_time: { column: 'end_time', kind: 'number', allowsList: false },
};

const attributeAliases: Record<string, RunAttribute> = {
  status: 'status',
  run_name: 'run_name',
  name: 'run_name',
  run_id: 'run_id',
  id: 'run_id',
  start_time: 'start_time',
  end_time: 'end_time',
  created: 'start_time',
};

// Words that cannot start a key, so errors about them suggest the general key syntax.
const keywords = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'LIKE',
  'ILIKE',
  'ASC',
  'DESC',
]);

const attributeList = 'status, run_name, run_id, start_time, end_time, created';

/** Maps an attribute name or alias (case-insensitive) to its canonical name. */
export function resolveAttribute(name: string): RunAttribute | undefined {
  const key = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(attributeAliases, key)
    ? attributeAliases[key]
    : undefined;
}

export type ParsedIdentifier = { entity: RunEntity; key: string; token: Token };

/**
 * Parses `prefix.key` or a bare attribute name. Keys may be quoted with backticks or double
 * quotes so they can contain dots, spaces or dashes.
 */
export function parseIdentifier(stream: TokenStream): ParsedIdentifier {
  const first = stream.peek();
  const genericExpectation = `a key such as metrics.accuracy, params.lr, tags.team or an attribute (${attributeList})`;
  if (first.kind !== 'word' || keywords.has(first.value.toUpperCase())) {
    throw stream.fail(genericExpectation);
  }
  stream.next();

  if (stream.peek().kind !== 'dot') {
    const attribute = resolveAttribute(first.value);
    if (!attribute) {
      // A bare unknown word is usually a metric/param/tag name missing its prefix.
      const k = first.value;
      throw stream.fail(
        `a key such as metrics.${k}, params.${k}, tags.${k} or an attribute (${attributeList})`,
        first,
      );
    }
    return { entity: 'attribute', key: attribute, token: first };
  }

  const prefix = first.value.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(entityByPrefix, prefix)) {
    throw stream.fail(
      'an entity prefix (metrics, params, tags or attributes)',
      first,
    );
  }
  const entity = entityByPrefix[prefix];
  stream.next(); // the dot

  const keyToken = stream.peek();
  const isKey =
    keyToken.kind === 'word' ||
    keyToken.kind === 'quotedKey' ||
    (keyToken.kind === 'string' && keyToken.quote === '"');
  if (!isKey) {
    throw stream.fail(`a key after '${first.text}.' (quote keys with \` or ")`);
  }
  if (keyToken.value === '') throw stream.fail('a non-empty key');
  stream.next();

  if (entity !== 'attribute')
    return { entity, key: keyToken.value, token: first };
  const attribute = resolveAttribute(keyToken.value);
  if (!attribute)
    throw stream.fail(`an attribute (${attributeList})`, keyToken);
  return { entity, key: attribute, token: first };
}

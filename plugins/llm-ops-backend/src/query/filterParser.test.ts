import { parseRunFilter } from './filterParser';

const only = (text: string) => {
  const { comparisons } = parseRunFilter(text);
  expect(comparisons).toHaveLength(1);
  return comparisons[0];
};

function errorOf(text: string): {
  message: string;
  field?: string;
  name: string;
} {
  try {
    parseRunFilter(text);
  } catch (error: any) {
    return error;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('parseRunFilter', () => {
  it('parses the MLflow-style example', () => {
    expect(
      parseRunFilter(
        "metrics.accuracy > 0.9 and params.lr = '0.01' and tags.team = 'nlp' and attributes.status = 'FINISHED'",
      ),
    ).toEqual({
      type: 'and',
      comparisons: [
        { entity: 'metric', key: 'accuracy', op: '>', value: 0.9 },
        { entity: 'param', key: 'lr', op: '=', value: '0.01' },
        { entity: 'tag', key: 'team', op: '=', value: 'nlp' },
        { entity: 'attribute', key: 'status', op: '=', value: 'FINISHED' },
      ],
    });
  });

  it('treats blank text as match-all and accepts AND in any case', () => {
    expect(parseRunFilter('')).toEqual({ type: 'and', comparisons: [] });
    expect(parseRunFilter(' \n\t ')).toEqual({ type: 'and', comparisons: [] });
    expect(
      parseRunFilter('metrics.a=1 AND metrics.b=2 And metrics.c=3').comparisons,
    ).toHaveLength(3);
  });

  it.each(['=', '!=', '>', '>=', '<', '<='])('metric operator %s', op => {
    expect(only(`metrics.loss ${op} -2.5e1`)).toEqual({
      entity: 'metric',
      key: 'loss',
      op,
      value: -25,
    });
  });

  it.each([
    ["params.lr = '0.01'", 'param', '=', '0.01'],
    ['params.lr != "0.01"', 'param', '!=', '0.01'],
    ["tags.team LIKE 'nl%'", 'tag', 'LIKE', 'nl%'],
    ["tags.team like 'nl%'", 'tag', 'LIKE', 'nl%'],
    ["tags.team ILIKE '%NLP%'", 'tag', 'ILIKE', '%NLP%'],
    ["attributes.run_name = 'my run'", 'attribute', '=', 'my run'],
    ["run_name LIKE 'train-%'", 'attribute', 'LIKE', 'train-%'],
    ["status != 'FAILED'", 'attribute', '!=', 'FAILED'],
    ["attr.id ILIKE 'ABC%'", 'attribute', 'ILIKE', 'ABC%'],
  ])('string comparison %s', (text, entity, op, value) => {
    expect(only(text)).toMatchObject({ entity, op, value });
  });

  it('parses numeric attribute comparisons and resolves aliases', () => {
    expect(only('attributes.start_time >= 1700000000000')).toEqual({
      entity: 'attribute',
      key: 'start_time',
      op: '>=',
      value: 1700000000000,
    });
    expect(only('created < 5')).toMatchObject({
      key: 'start_time',
      op: '<',
      value: 5,
    });
    expect(only('run.end_time <= 7')).toMatchObject({
      key: 'end_time',
      op: '<=',
      value: 7,
    });
    expect(only("name = 'x'")).toMatchObject({ key: 'run_name' });
  });

  it('decodes quotes and escapes in values', () => {
    expect(only("params.q = 'it''s'").value).toBe("it's");
    expect(only("params.q = 'it\\'s'").value).toBe("it's");
    expect(only('params.q = "say \\"hi\\""').value).toBe('say "hi"');
    expect(only("params.q = '1'' OR 1=1 --'").value).toBe("1' OR 1=1 --");
  });

  it('accepts backtick and double-quoted keys', () => {
    expect(only('metrics.`val loss` < 0.5')).toMatchObject({
      entity: 'metric',
      key: 'val loss',
    });
    expect(only('params."lr.base" = \'1\'')).toMatchObject({
      entity: 'param',
      key: 'lr.base',
    });
    expect(only("tags.`mlflow.user-name` = 'ann'")).toMatchObject({
      key: 'mlflow.user-name',
    });
  });

  it('parses IN and NOT IN lists', () => {
    expect(only('params.opt IN (\'adam\', "sgd")')).toEqual({
      entity: 'param',
      key: 'opt',
      op: 'IN',
      value: ['adam', 'sgd'],
    });
    expect(only("tags.team not in ('a')")).toMatchObject({
      op: 'NOT IN',
      value: ['a'],
    });
    expect(only("attributes.status IN ('FINISHED','FAILED')")).toMatchObject({
      value: ['FINISHED', 'FAILED'],
    });
    expect(only("run_id IN ('r1', 'r2')")).toMatchObject({
      key: 'run_id',
      op: 'IN',
    });
  });

  it('parses IS NULL and IS NOT NULL for params and tags', () => {
    expect(only('tags.team IS NULL')).toEqual({
      entity: 'tag',
      key: 'team',
      op: 'IS NULL',
      value: null,
    });
    expect(only('params.lr is not null')).toMatchObject({
      entity: 'param',
      op: 'IS NOT NULL',
    });
  });

  it.each([
    [
      'metrics.accuracy > 0.9 and foo',
      'Invalid filter at position 28: expected a key such as metrics.foo',
    ],
    [
      'params.lr foo',
      "Invalid filter at position 11: expected a comparison operator for params (=, !=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL) but found 'foo'",
    ],
    [
      'metrics.accuracy foo 1',
      "Invalid filter at position 18: expected a comparison operator for metrics (=, !=, >, >=, <, <=) but found 'foo'",
    ],
    [
      "metrics.acc LIKE '1'",
      "Invalid filter at position 13: expected a comparison operator for metrics (=, !=, >, >=, <, <=) but found 'LIKE'",
    ],
    [
      'metrics.acc IS NULL',
      'Invalid filter at position 13: expected a comparison operator for metrics',
    ],
    [
      "params.lr > '1'",
      'Invalid filter at position 11: expected a comparison operator for params',
    ],
    [
      "run_name IN ('a')",
      'Invalid filter at position 10: expected a comparison operator for attribute run_name (=, !=, LIKE, ILIKE)',
    ],
    [
      "start_time LIKE '1%'",
      'Invalid filter at position 12: expected a comparison operator for attribute start_time (=, !=, >, >=, <, <=)',
    ],
    [
      'metrics.acc > high',
      "Invalid filter at position 15: expected a number but found 'high'",
    ],
    [
      "metrics.acc > '0.9'",
      "Invalid filter at position 15: expected a number but found '0.9'",
    ],
    [
      'params.lr = 0.01',
      "Invalid filter at position 13: expected a quoted string (param values are strings) but found '0.01'",
    ],
    [
      'tags.team =',
      'Invalid filter at position 12: expected a quoted string (tag values are strings) but found end of filter',
    ],
    [
      "status = 'finished'",
      "Invalid filter at position 10: expected a run status (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED) but found 'finished'",
    ],
    [
      "status IN ('FAILED', 'done')",
      'Invalid filter at position 22: expected a run status',
    ],
    [
      'params.a IN ()',
      "Invalid filter at position 14: expected a quoted string but found ')'",
    ],
    [
      "params.a IN 'x'",
      "Invalid filter at position 13: expected '(' to start a list of quoted strings but found 'x'",
    ],
    [
      "params.a IN ('x' 'y')",
      "Invalid filter at position 18: expected ',' or ')' but found 'y'",
    ],
    [
      "params.a IN ('x',",
      'Invalid filter at position 18: expected a quoted string but found end of filter',
    ],
    [
      'tags.a IS',
      'Invalid filter at position 10: expected NULL or NOT NULL but found end of filter',
    ],
    [
      'tags.a IS NOT 1',
      "Invalid filter at position 15: expected NULL but found '1'",
    ],
    [
      "tags.a NOT LIKE 'x'",
      'Invalid filter at position 8: expected a comparison operator for tags',
    ],
    [
      "params.a = 'x' params.b = 'y'",
      "Invalid filter at position 16: expected AND or end of filter but found 'params'",
    ],
    [
      "params.a = 'x' and",
      'Invalid filter at position 19: expected a key such as metrics.accuracy',
    ],
    [
      "params.a = 'x' AND AND params.b = 'y'",
      'Invalid filter at position 20: expected a key such as metrics.accuracy',
    ],
    [
      "params.a = 'x' OR params.b = 'y'",
      "Invalid filter at position 16: expected AND or end of filter but found 'OR'; OR is not supported, combine comparisons with AND",
    ],
    ["params.a = 'x' or params.b = 'y'", "found 'or'; OR is not supported"],
    [
      "params.a = 'unterminated",
      "Invalid filter at position 12: expected a closing ' for the text quoted here but found end of filter",
    ],
    [
      'metrics.`x = 1',
      'Invalid filter at position 9: expected a closing ` for the text quoted here',
    ],
    [
      'attributes.color = 1',
      "Invalid filter at position 12: expected an attribute (status, run_name, run_id, start_time, end_time, created) but found 'color'",
    ],
    [
      'm.x = 1',
      "Invalid filter at position 1: expected an entity prefix (metrics, params, tags or attributes) but found 'm'",
    ],
    [
      'metrics.x == 1',
      "Invalid filter at position 12: expected a number but found '='",
    ],
    [
      '(metrics.x = 1)',
      "Invalid filter at position 1: expected a key such as metrics.accuracy, params.lr, tags.team or an attribute (status, run_name, run_id, start_time, end_time, created) but found '('",
    ],
  ])('rejects %s', (text, message) => {
    const error = errorOf(text);
    expect(error.name).toBe('InputError');
    expect(error.field).toBe('filter');
    expect(error.message).toContain(message);
  });

  it('limits the number of comparisons and the length', () => {
    const fifty = Array.from(
      { length: 50 },
      (_, i) => `metrics.m${i} > 0`,
    ).join(' and ');
    expect(parseRunFilter(fifty).comparisons).toHaveLength(50);
    const error = errorOf(`${fifty} and metrics.extra > 0`);
    expect(error.field).toBe('filter');
    expect(error.message).toBe(
      `Invalid filter at position ${
        fifty.length + 6
      }: expected at most 50 comparisons but found 'metrics'`,
    );

    const long = `params.a = '${'x'.repeat(1990)}'`;
    expect(long.length).toBe(2003);
    expect(errorOf(long).message).toBe(
      'Invalid filter: expected at most 2000 characters but found 2003',
    );
    expect(errorOf(long).field).toBe('filter');
    expect(
      parseRunFilter(`params.a = '${'x'.repeat(1986)}'`).comparisons,
    ).toHaveLength(1);
  });
});

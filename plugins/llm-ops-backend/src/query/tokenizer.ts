import { QueryField, syntaxError } from './errors';

export type TokenKind =
  | 'word' // bare identifier or keyword: metrics, accuracy, AND, IN, DESC ...
  | 'dot'
  | 'quotedKey' // `backtick quoted`
  | 'string' // 'single' or "double" quoted; double quotes may also quote a key
  | 'number'
  | 'op' // = != > >= < <=
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'end';

export type Token = {
  kind: TokenKind;
  /** The source text of the token (quotes included). */
  text: string;
  /** Decoded value: unquoted and unescaped for strings and quoted keys. */
  value: string;
  /** 1-based character position of the token's first character. */
  position: number;
  quote?: '"' | "'" | '`';
};

const punctuation: Record<string, TokenKind> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
};
const wordStart = /[A-Za-z_]/;
const wordChar = /[A-Za-z0-9_]/;
const digit = /[0-9]/;
const numberPattern = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;

/** Splits filter / order_by text into tokens; `label` names the input in error messages. */
export function tokenize(
  text: string,
  field: QueryField,
  label: string,
): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (
    kind: TokenKind,
    start: number,
    value?: string,
    quote?: Token['quote'],
  ) => {
    const raw = text.slice(start, i);
    tokens.push({
      kind,
      text: raw,
      value: value ?? raw,
      position: start + 1,
      quote,
    });
  };

  while (i < text.length) {
    const c = text[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (wordStart.test(c)) {
      while (i < text.length && wordChar.test(text[i])) i++;
      push('word', start);
    } else if (c === "'" || c === '"' || c === '`') {
      const value = readQuoted(text, i, field, label);
      i = value.end;
      push(c === '`' ? 'quotedKey' : 'string', start, value.value, c);
    } else if (startsNumber(text, i, tokens)) {
      const match = numberPattern.exec(text.slice(i))!;
      i += match[0].length;
      if (i < text.length && wordChar.test(text[i])) {
        // "0.9abc" is neither a number nor a key: report the whole run of characters.
        while (i < text.length && wordChar.test(text[i])) i++;
        throw syntaxError(
          field,
          label,
          start + 1,
          'a number',
          `'${text.slice(start, i)}'`,
        );
      }
      push('number', start);
    } else if (c === '.') {
      i++;
      push('dot', start);
    } else if (Object.prototype.hasOwnProperty.call(punctuation, c)) {
      i++;
      push(punctuation[c], start);
    } else if (
      c === '=' ||
      c === '>' ||
      c === '<' ||
      (c === '!' && text[i + 1] === '=')
    ) {
      i += c !== '=' && text[i + 1] === '=' ? 2 : 1;
      push('op', start);
    } else {
      throw syntaxError(
        field,
        label,
        start + 1,
        'a key, operator or value',
        `'${c}'`,
      );
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', position: text.length + 1 });
  return tokens;
}

// A '-' or '.' only starts a number when a digit follows; a '.' right after a word is the
// separator of `metrics.x`.
function startsNumber(text: string, i: number, tokens: Token[]): boolean {
  const c = text[i];
  if (digit.test(c)) return true;
  if (c === '-') return digit.test(text[i + 1] ?? '') || text[i + 1] === '.';
  if (c !== '.' || !digit.test(text[i + 1] ?? '')) return false;
  const previous = tokens[tokens.length - 1];
  return !(
    previous &&
    previous.position - 1 + previous.text.length === i &&
    previous.kind === 'word'
  );
}

// Reads a quoted string or key starting at `start`. Both SQL doubling ('') and backslash
// escapes (\' or \\) are accepted, so users can paste either style.
function readQuoted(
  text: string,
  start: number,
  field: QueryField,
  label: string,
): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else if (c === quote && text[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  throw syntaxError(
    field,
    label,
    start + 1,
    `a closing ${quote} for the text quoted here`,
    `end of ${label}`,
  );
}

/** How a token is shown in error messages. */
export function describeToken(token: Token, label: string): string {
  if (token.kind === 'end') return `end of ${label}`;
  if (token.kind === 'string' || token.kind === 'quotedKey') return token.text;
  return `'${token.text}'`;
}

/** Sequential access to tokens for the recursive-descent parsers, with uniform errors. */
export class TokenStream {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    readonly field: QueryField,
    readonly label: string,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** True (and consumes it) when the next token is the given keyword, case-insensitively. */
  acceptKeyword(keyword: string): boolean {
    if (isKeyword(this.peek(), keyword)) {
      this.index++;
      return true;
    }
    return false;
  }

  fail(expected: string, token: Token = this.peek()): Error {
    return syntaxError(
      this.field,
      this.label,
      token.position,
      expected,
      describeToken(token, this.label),
    );
  }
}

export function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.value.toUpperCase() === keyword;
}

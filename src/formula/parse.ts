/**
 * lme4-style model formulas: tokeniser, parser and term expansion.
 *
 * Supported: `y ~ a * b + c:d - 1`, `0 +`, `(a + b)^2`, `a / b` (nesting: `a + a:b`),
 * random terms `(expr | g)`, `(expr || g)` (uncorrelated: one term per column, as lme4's
 * `||`), grouping `g1/g2` (`g1` and `g1:g2`) and `g1:g2` interactions; back-quoted names;
 * with `{ covariance: true }`, mmrm's covariance terms `us(visit | id)`, `us(visit | arm / id)`.
 * Term order follows R: by degree, then by first appearance.
 */
import { FormulaError } from '../errors/index.js';
import { checkBoolean, checkOptions, LIMITS, optionKeys } from '../errors/checks.js';

/** An interaction term: its variable names in the order written (empty = intercept). */
export type Term = readonly string[];

/** A random-effects term: `(1 + x | g)`. */
export interface RandomTerm {
  /** The terms on the left of the bar, R-expanded (an intercept unless `0`/`-1`). */
  terms: Term[];
  intercept: boolean;
  /** The grouping factor's variables (length > 1 for `a:b`). */
  group: string[];
  /** Text as lme4 would label the term, e.g. `1 + Days | Subject`. */
  label: string;
}

/** The covariance structures of mmrm's formula terms (`us(visit | id)` and so on). */
export const COVARIANCE_STRUCTURES = ['us', 'cs', 'csh', 'ar1', 'ar1h', 'toep', 'toeph', 'ad', 'adh'] as const;
export type CovarianceStructure = (typeof COVARIANCE_STRUCTURES)[number];

/** An mmrm covariance term: `us(visit | id)` or, covariance by group, `us(visit | arm / id)`. */
export interface CovarianceTerm {
  structure: CovarianceStructure;
  /** The visit factor. */
  time: string;
  subject: string;
  /** The factor by whose levels the covariance is estimated separately, or null. */
  group: string | null;
  /** As written in R, e.g. `us(visit | arm / id)`. */
  label: string;
}

/** A parsed formula. */
export interface ParsedFormula {
  /** The original text. */
  text: string;
  response: string | null;
  intercept: boolean;
  /** Fixed-effect terms in R's order (by degree, then appearance). */
  fixed: Term[];
  random: RandomTerm[];
  /** Covariance terms (only when parsed with `{ covariance: true }`). */
  covariance?: CovarianceTerm[];
}

type Tok =
  | { t: 'name'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '|' && src[i + 1] === '|') {
      out.push({ t: 'op', v: '||', pos: i });
      i += 2;
      continue;
    }
    if ('~+-*:/^()|'.includes(c)) {
      out.push({ t: 'op', v: c, pos: i });
      i++;
      continue;
    }
    if (c === '`') {
      // As in R: any text between back-quotes is one name; a backslash escapes a
      // back-quote or a backslash inside it (see quoteName).
      let j = i + 1;
      let name = '';
      while (j < src.length && src[j] !== '`') {
        if (src[j] === '\\' && (src[j + 1] === '`' || src[j + 1] === '\\')) j++;
        name += src[j]!;
        j++;
      }
      if (j >= src.length) throw new FormulaError(src, i, 'Unclosed back-quoted name');
      if (name === '') throw new FormulaError(src, i, 'Empty back-quoted name');
      out.push({ t: 'name', v: name, pos: i });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i;
      while (j < src.length && /[0-9.]/.test(src[j]!)) j++;
      // A name may start with a dot but not a digit: "9m" is not a valid R name.
      if (j < src.length && /[A-Za-z_]/.test(src[j]!)) {
        throw new FormulaError(src, i, `A name cannot start with a digit ("${src.slice(i, j + 1)}…"); back-quote it`);
      }
      out.push({ t: 'num', v: Number(src.slice(i, j)), pos: i });
      i = j;
      continue;
    }
    if (/[A-Za-z._]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9._]/.test(src[j]!)) j++;
      out.push({ t: 'name', v: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    throw new FormulaError(src, i, `Unexpected character "${c}"`);
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

/**
 * Expression tree. A `set` is an expanded list of terms with an intercept flag
 * (`intercept` true/false/null: null = not mentioned).
 */
type Node =
  | { k: 'var'; name: string; pos: number }
  | { k: 'num'; value: number; pos: number }
  | { k: 'bin'; op: string; left: Node; right: Node; pos: number }
  | { k: 'neg'; arg: Node; pos: number }
  | { k: 'bar'; op: '|' | '||'; left: Node; right: Node; pos: number }
  | { k: 'cov'; structure: CovarianceStructure; time: Node; group: Node; pos: number };

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Tok[],
  ) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  fail(pos: number, msg: string): never {
    throw new FormulaError(this.src, pos, msg);
  }

  // Precedence as in R formulas: + - (lowest) < * / < : < ^ ; bars only inside parentheses.
  parseSum(): Node {
    let left: Node;
    if (this.isOp('-')) {
      const t = this.next();
      left = { k: 'neg', arg: this.parseProduct(), pos: t.pos };
    } else {
      left = this.parseProduct();
    }
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '+' || t.v === '-')) {
        this.next();
        const right = this.parseProduct();
        left = t.v === '+' ? { k: 'bin', op: '+', left, right, pos: t.pos } : { k: 'bin', op: '-', left, right, pos: t.pos };
      } else return left;
    }
  }
  parseProduct(): Node {
    let left = this.parseInteraction();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '*' || t.v === '/')) {
        this.next();
        const right = this.parseInteraction();
        left = { k: 'bin', op: t.v, left, right, pos: t.pos };
      } else return left;
    }
  }
  parseInteraction(): Node {
    let left = this.parsePower();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && t.v === ':') {
        this.next();
        const right = this.parsePower();
        left = { k: 'bin', op: ':', left, right, pos: t.pos };
      } else return left;
    }
  }
  parsePower(): Node {
    const base = this.parseAtom();
    if (this.isOp('^')) {
      const t = this.next();
      const e = this.next();
      if (e.t !== 'num' || !Number.isInteger(e.v) || e.v < 1) this.fail(e.pos, 'Expected a positive whole number after "^"');
      return { k: 'bin', op: '^', left: base, right: { k: 'num', value: e.v, pos: e.pos }, pos: t.pos };
    }
    return base;
  }
  parseAtom(): Node {
    const t = this.next();
    if (t.t === 'name' && this.isOp('(')) {
      const open = this.next();
      if (!(COVARIANCE_STRUCTURES as readonly string[]).includes(t.v)) {
        this.fail(t.pos, `Unknown function "${t.v}(": functions in formulas are only the covariance structures ${COVARIANCE_STRUCTURES.join(', ')} (in fitMmrm)`);
      }
      const time = this.parseSum();
      if (!this.isOp('|')) this.fail(this.peek().pos, `Expected "|" in "${t.v}(visit | subject)"`);
      this.next();
      const group = this.parseSum();
      this.expectClose(open.pos);
      return { k: 'cov', structure: t.v as CovarianceStructure, time, group, pos: t.pos };
    }
    if (t.t === 'name') return { k: 'var', name: t.v, pos: t.pos };
    if (t.t === 'num') return { k: 'num', value: t.v, pos: t.pos };
    if (t.t === 'op' && t.v === '(') {
      const inner = this.parseSum();
      if (this.isOp('|') || this.isOp('||')) {
        const bar = this.next() as { t: 'op'; v: '|' | '||'; pos: number };
        const grp = this.parseSum();
        this.expectClose(t.pos);
        return { k: 'bar', op: bar.v as '|' | '||', left: inner, right: grp, pos: t.pos };
      }
      this.expectClose(t.pos);
      return inner;
    }
    if (t.t === 'end') this.fail(t.pos, 'Formula ends where a term was expected');
    this.fail(t.pos, `Unexpected "${(t as { v: string }).v}" where a term was expected`);
  }
  private expectClose(openPos: number): void {
    const t = this.next();
    if (!(t.t === 'op' && t.v === ')')) {
      this.fail(t.pos, `Expected ")" to close the "(" at position ${openPos}`);
    }
  }
  atEnd(): boolean {
    return this.peek().t === 'end';
  }
}

interface TermSet {
  terms: string[][];
  intercept: boolean | null;
  random: RandomTerm[];
  covariance?: CovarianceTerm[];
}

const key = (t: readonly string[]): string => [...t].sort().join('\u0000');

function addUnique(into: string[][], t: string[]): void {
  const k = key(t);
  if (!into.some((u) => key(u) === k)) into.push(t);
}

/** addUnique for products, which multiply term counts: `a*b*…` of k variables has 2^k − 1 terms. */
function addProductTerm(into: string[][], t: string[], src: string, pos: number): void {
  addUnique(into, t);
  if (into.length > LIMITS.formulaTerms) {
    throw new FormulaError(src, pos, `This product expands to more than ${LIMITS.formulaTerms} terms (the limit of a model formula); write the interactions you need explicitly`);
  }
}

/**
 * Bound the formula before parsing: the parser and the term expansion recurse once per
 * parenthesis and per operator, so an unbounded formula would overflow the stack.
 */
function checkFormulaSize(text: string, toks: readonly Tok[]): void {
  let depth = 0;
  let atoms = 0;
  for (const t of toks) {
    if (t.t === 'op' && t.v === '(' && ++depth > LIMITS.formulaDepth) {
      throw new FormulaError(text, null, `Parentheses are nested more than ${LIMITS.formulaDepth} deep (the "(" at position ${t.pos}); the limit of a model formula`);
    }
    if (t.t === 'op' && t.v === ')') depth--;
    if ((t.t === 'name' || t.t === 'num') && ++atoms > LIMITS.formulaTerms) {
      throw new FormulaError(text, null, `The formula has more than ${LIMITS.formulaTerms} variables and numbers (the limit of a model formula; the one at position ${t.pos} is past it)`);
    }
  }
}

function combine(a: string[], b: string[]): string[] {
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}

function expand(node: Node, src: string, allowBars: boolean): TermSet {
  switch (node.k) {
    case 'var':
      return { terms: [[node.name]], intercept: null, random: [] };
    case 'num':
      if (node.value === 1) return { terms: [], intercept: true, random: [] };
      if (node.value === 0) return { terms: [], intercept: false, random: [] };
      throw new FormulaError(src, node.pos, `Only 0 or 1 may appear as a number in a formula, not ${node.value}`);
    case 'neg': {
      const s = expand(node.arg, src, false);
      if (s.terms.length === 0 && s.intercept === true) return { terms: [], intercept: false, random: [] };
      if (s.terms.length === 0 && s.intercept === false) return { terms: [], intercept: true, random: [] };
      // A leading "-x" removes nothing yet; R drops it. Keep R's behaviour: ignore.
      return { terms: [], intercept: null, random: [] };
    }
    case 'bar': {
      if (!allowBars) throw new FormulaError(src, node.pos, 'A random-effects term "( … | group)" may only appear as a top-level term');
      return { terms: [], intercept: null, random: expandBar(node, src) };
    }
    case 'cov': {
      if (!allowBars) throw new FormulaError(src, node.pos, `A covariance term "${node.structure}( … | subject)" may only appear as a top-level term`);
      return { terms: [], intercept: null, random: [], covariance: [covarianceTerm(node, src)] };
    }
    case 'bin': {
      if (node.op === '+') {
        const l = expand(node.left, src, allowBars);
        const r = expand(node.right, src, allowBars);
        const terms = [...l.terms];
        for (const t of r.terms) addUnique(terms, t);
        const covariance = [...(l.covariance ?? []), ...(r.covariance ?? [])];
        return { terms, intercept: r.intercept ?? l.intercept, random: [...l.random, ...r.random], ...(covariance.length ? { covariance } : {}) };
      }
      if (node.op === '-') {
        const l = expand(node.left, src, allowBars);
        const r = expand(node.right, src, false);
        let intercept = l.intercept;
        if (r.terms.length === 0 && r.intercept === true) intercept = false;
        if (r.terms.length === 0 && r.intercept === false) intercept = true;
        const drop = new Set(r.terms.map(key));
        return { terms: l.terms.filter((t) => !drop.has(key(t))), intercept, random: l.random, ...(l.covariance ? { covariance: l.covariance } : {}) };
      }
      const l = expand(node.left, src, false);
      if (node.op === '^') {
        const n = (node.right as { value: number }).value;
        let acc: string[][] = l.terms.map((t) => [...t]);
        for (let i = 1; i < n; i++) {
          const next = [...acc];
          for (const a of acc) for (const b of l.terms) addProductTerm(next, combine(a, b), src, node.pos);
          // Once no new term appears, higher powers add none either (so a^1e9 ends at once).
          if (next.length === acc.length) break;
          acc = next;
        }
        return { terms: acc, intercept: l.intercept, random: [] };
      }
      const r = expand(node.right, src, false);
      if (l.terms.length === 0 || r.terms.length === 0) {
        throw new FormulaError(src, node.pos, `"${node.op}" needs a variable on both sides`);
      }
      if (node.op === ':') {
        const terms: string[][] = [];
        for (const a of l.terms) for (const b of r.terms) addProductTerm(terms, combine(a, b), src, node.pos);
        return { terms, intercept: null, random: [] };
      }
      if (node.op === '*') {
        const terms: string[][] = [];
        for (const t of l.terms) addUnique(terms, t);
        for (const t of r.terms) addUnique(terms, t);
        for (const a of l.terms) for (const b of r.terms) addProductTerm(terms, combine(a, b), src, node.pos);
        return { terms, intercept: null, random: [] };
      }
      if (node.op === '/') {
        // a / b = a + b %in% a, i.e. a + a:b where "a" is all variables on the left.
        const terms: string[][] = [];
        for (const t of l.terms) addUnique(terms, t);
        const allLeft = l.terms.reduce<string[]>((acc, t) => combine(acc, t), []);
        for (const b of r.terms) addUnique(terms, combine(allLeft, b));
        return { terms, intercept: null, random: [] };
      }
      throw new FormulaError(src, node.pos, `Unknown operator "${node.op}"`);
    }
  }
}

function termLabel(t: readonly string[]): string {
  return t.length === 0 ? '1' : t.map(quoteName).join(':');
}

// R's reserved words: never syntactic names, so always back-quoted.
const RESERVED = new Set(['if', 'else', 'repeat', 'while', 'function', 'for', 'next', 'break', 'TRUE', 'FALSE', 'NULL', 'Inf', 'NaN', 'NA', 'NA_integer_', 'NA_real_', 'NA_character_', 'NA_complex_', 'in']);

/**
 * A variable name as R writes it in formulas and coefficient names: unchanged when it is a
 * syntactic name (letters, digits, `.` and `_`, starting with a letter or a dot not followed
 * by a digit, not a reserved word), otherwise back-quoted, with back-quotes and backslashes
 * inside escaped. `parseFormula` reads the quoted form back to the same name, so formula text
 * built from user column names must pass every name through this.
 * @example
 * quoteName('score'); // 'score'
 * quoteName('SFT group'); // '`SFT group`'
 */
export function quoteName(n: string): string {
  if (/^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/.test(n) && !RESERVED.has(n)) return n;
  return `\`${n.replace(/[\\`]/g, '\\$&')}\``;
}

function expandBar(node: Extract<Node, { k: 'bar' }>, src: string): RandomTerm[] {
  const lhs = expand(node.left, src, false);
  const intercept = lhs.intercept ?? true;
  const lhsTerms = orderTerms(lhs.terms);
  // Grouping: "a/b" gives a and a:b; "a:b" one interaction factor; "a + b" two terms.
  const groups: string[][] = [];
  const collectGroups = (g: Node): void => {
    if (g.k === 'var') groups.push([g.name]);
    else if (g.k === 'bin' && g.op === '+') {
      collectGroups(g.left);
      collectGroups(g.right);
    } else if (g.k === 'bin' && (g.op === ':' || g.op === '/')) {
      const s = expand(g, src, false);
      // lme4 names a nested factor inner-first: (1 | batch/cask) gives "cask:batch".
      for (const t of s.terms) groups.push(g.op === '/' ? [...t].reverse() : t);
    } else {
      throw new FormulaError(src, g.pos, 'The grouping factor after "|" must be a variable, "a:b" or "a/b"');
    }
  };
  collectGroups(node.right);
  const out: RandomTerm[] = [];
  for (const g of groups) {
    if (node.op === '|') {
      out.push({ terms: lhsTerms, intercept, group: g, label: barLabel(intercept, lhsTerms, g) });
    } else {
      // lme4's "||": one term for the intercept and one for each other term, each without intercept.
      if (intercept) out.push({ terms: [], intercept: true, group: g, label: barLabel(true, [], g) });
      for (const t of lhsTerms) out.push({ terms: [t], intercept: false, group: g, label: barLabel(false, [t], g) });
    }
  }
  return out;
}

/** `us(visit | id)` or `us(visit | arm / id)`: one visit factor, a subject, optionally a group above it. */
function covarianceTerm(node: Extract<Node, { k: 'cov' }>, src: string): CovarianceTerm {
  if (node.time.k !== 'var') throw new FormulaError(src, node.time.pos, `The visit in "${node.structure}(visit | subject)" must be one factor column`);
  const g = node.group;
  let subject: string;
  let group: string | null = null;
  if (g.k === 'var') subject = g.name;
  else if (g.k === 'bin' && g.op === '/' && g.left.k === 'var' && g.right.k === 'var') {
    group = g.left.name;
    subject = g.right.name;
  } else {
    throw new FormulaError(src, g.pos, `After "|" in "${node.structure}( … )" expected a subject column, or "group / subject" for a covariance per group`);
  }
  const time = node.time.name;
  const label = `${node.structure}(${quoteName(time)} | ${group === null ? '' : `${quoteName(group)} / `}${quoteName(subject)})`;
  return { structure: node.structure, time, subject, group, label };
}

/** The label lme4 gives a random term, e.g. `0 + treated | group`, names quoted as R quotes them. */
export function barLabel(intercept: boolean, terms: readonly Term[], g: readonly string[]): string {
  const parts = terms.map(termLabel);
  const lhs = intercept ? (parts.length ? `1 + ${parts.join(' + ')}` : '1') : `0 + ${parts.join(' + ')}`;
  return `${lhs} | ${g.map(quoteName).join(':')}`;
}

/** Sort terms by degree, keeping first-appearance order within a degree (R's terms.formula). */
function orderTerms(terms: string[][]): Term[] {
  return terms
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.length - b.t.length || a.i - b.i)
    .map((x) => x.t);
}

export interface ParseOptions {
  /**
   * Accept mmrm's covariance terms (`us(visit | id)`); only fitMmrm's formulas have them.
   * @defaultValue false
   */
  covariance?: boolean;
}
const PARSE_OPTION_KEYS = optionKeys<ParseOptions>()(['covariance']);

/**
 * Parse an lme4-style formula.
 * @throws FormulaError naming the position of the problem.
 * @example
 * const f = parseFormula('score ~ arm * visit + (1 | id)');
 * f.fixed; // [['arm'], ['visit'], ['arm', 'visit']]
 * f.random[0].group; // ['id']
 */
export function parseFormula(text: string, options: ParseOptions = {}): ParsedFormula {
  checkOptions('options', options, PARSE_OPTION_KEYS);
  checkBoolean('options.covariance', options.covariance);
  if (typeof text !== 'string' || text.trim() === '') {
    throw new FormulaError(String(text), 0, 'The formula is empty; expected e.g. "score ~ arm * visit + (1 | id)"');
  }
  if (text.length > LIMITS.formulaLength) {
    throw new FormulaError(text, null, `The formula has ${text.length} characters; the limit of a model formula is ${LIMITS.formulaLength}`);
  }
  const toks = tokenize(text);
  checkFormulaSize(text, toks);
  const tildes = toks.filter((t) => t.t === 'op' && t.v === '~');
  if (tildes.length === 0) throw new FormulaError(text, 0, 'No "~" found; expected "response ~ terms"');
  if (tildes.length > 1) throw new FormulaError(text, tildes[1]!.pos, 'Only one "~" is allowed');
  let response: string | null = null;
  let start = 0;
  if (!(toks[0]!.t === 'op' && (toks[0] as { v: string }).v === '~')) {
    const first = toks[0]!;
    if (first.t !== 'name') throw new FormulaError(text, first.pos, 'The response must be a single column name');
    const after = toks[1]!;
    if (!(after.t === 'op' && after.v === '~')) {
      throw new FormulaError(text, after.pos, 'The response must be a single column name followed by "~"');
    }
    response = first.v;
    start = 2;
  } else start = 1;
  const p = new Parser(text, toks.slice(start));
  if (p.atEnd()) throw new FormulaError(text, text.length, 'Nothing after "~"; expected terms such as "arm * visit"');
  const tree = p.parseSum();
  if (!p.atEnd()) {
    const t = toks.slice(start)[(p as unknown as { i: number }).i]!;
    throw new FormulaError(text, t.pos, `Unexpected "${'v' in t ? t.v : 'end'}"; expected "+" between terms`);
  }
  const set = expand(tree, text, true);
  if (set.covariance && !options.covariance) {
    throw new FormulaError(text, text.indexOf(`${set.covariance[0]!.structure}(`), `A covariance term such as "${set.covariance[0]!.label}" belongs in an MMRM: use fitMmrm`);
  }
  return {
    text,
    response,
    intercept: set.intercept ?? true,
    fixed: orderTerms(set.terms),
    random: set.random,
    ...(set.covariance ? { covariance: set.covariance } : {}),
  };
}

/** The R label of a fixed term, e.g. `arm:visit`. */
export { termLabel };

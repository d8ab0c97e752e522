/**
 * Jinja2's expression grammar (parse_condexpr … parse_primary), plus the token-stream helpers
 * the statement parser shares.
 */
import type { CallArgs, Expr, Target } from "./ast.js";
import { syntaxError } from "./errors.js";
import type { Token, TokenType } from "./lexer.js";
import { PyFloat } from "./values.js";

const COMPARE_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const TEST_ARGUMENT_STARTS = new Set(["name", "string", "integer", "float"]);
const TOKEN_DESCRIPTIONS: Partial<Record<TokenType, string>> = {
  eof: "end of template",
  block_begin: "begin of statement block",
  block_end: "end of statement block",
  variable_begin: "begin of print statement",
  variable_end: "end of print statement",
  string: "string",
  integer: "integer",
  float: "float",
  data: "template data / text",
};

interface TupleOptions {
  readonly simplified?: boolean;
  readonly withCondexpr?: boolean;
  readonly endNames?: readonly string[];
  readonly explicitParentheses?: boolean;
}

export class ExpressionParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly known: { readonly filters: ReadonlySet<string>; readonly tests: ReadonlySet<string> },
  ) {}

  get current(): Token {
    return this.tokens[this.index] as Token;
  }

  look(): Token {
    return this.tokens[Math.min(this.index + 1, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const token = this.current;
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  describe(token: Token): string {
    if (token.type === "name" || token.type === "operator") return `'${token.value}'`;
    return `'${TOKEN_DESCRIPTIONS[token.type] ?? token.type}'`;
  }

  isOperator(value: string): boolean {
    return this.current.type === "operator" && this.current.value === value;
  }

  skipIf(type: TokenType, value?: string): boolean {
    if (this.current.type !== type || (value !== undefined && this.current.value !== value)) return false;
    this.next();
    return true;
  }

  expect(type: TokenType, value?: string): Token {
    const token = this.current;
    if (token.type === type && (value === undefined || token.value === value)) return this.next();
    const wanted = value !== undefined ? `'${value}'` : `'${TOKEN_DESCRIPTIONS[type] ?? type}'`;
    if (token.type === "eof")
      throw syntaxError(`unexpected end of template, expected ${wanted}.`, token.line);
    throw syntaxError(`expected token ${wanted}, got ${this.describe(token)}`, token.line);
  }

  private isTupleEnd(endNames: readonly string[] | undefined): boolean {
    const { type, value } = this.current;
    if (type === "variable_end" || type === "block_end" || (type === "operator" && value === ")"))
      return true;
    return type === "name" && endNames !== undefined && endNames.includes(value);
  }

  parseTuple(options: TupleOptions = {}): Expr {
    let line = this.current.line;
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expect("operator", ",");
      if (this.isTupleEnd(options.endNames)) break;
      if (options.simplified) items.push(this.parsePrimary());
      else items.push(options.withCondexpr === false ? this.parseOr() : this.parseExpression());
      if (!this.isOperator(",")) break;
      isTuple = true;
      line = this.current.line;
    }
    if (!isTuple) {
      if (items.length > 0) return items[0] as Expr;
      if (!options.explicitParentheses) {
        throw syntaxError(`Expected an expression, got ${this.describe(this.current)}`, this.current.line);
      }
    }
    return { type: "tuple", line, items };
  }

  parseExpression(): Expr {
    let expr = this.parseOr();
    let line = this.current.line;
    while (this.skipIf("name", "if")) {
      const test = this.parseOr();
      const otherwise = this.skipIf("name", "else") ? this.parseExpression() : undefined;
      expr = { type: "condexpr", line, test, then: expr, otherwise };
      line = this.current.line;
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.current.type === "name" && this.current.value === "or") {
      const line = this.next().line;
      left = { type: "or", line, left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.current.type === "name" && this.current.value === "and") {
      const line = this.next().line;
      left = { type: "and", line, left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.current.type === "name" && this.current.value === "not") {
      const line = this.next().line;
      return { type: "unary", line, op: "not", operand: this.parseNot() };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const line = this.current.line;
    const first = this.parseMath1();
    const ops: [string, Expr][] = [];
    for (;;) {
      const { type, value } = this.current;
      if (type === "operator" && COMPARE_OPERATORS.has(value)) {
        this.next();
        ops.push([value, this.parseMath1()]);
      } else if (type === "name" && value === "in") {
        this.next();
        ops.push(["in", this.parseMath1()]);
      } else if (
        type === "name" &&
        value === "not" &&
        this.look().type === "name" &&
        this.look().value === "in"
      ) {
        this.next();
        this.next();
        ops.push(["not in", this.parseMath1()]);
      } else break;
    }
    return ops.length === 0 ? first : { type: "compare", line, first, ops };
  }

  private binaryLevel(operators: readonly string[], operand: () => Expr): Expr {
    let left = operand();
    while (this.current.type === "operator" && operators.includes(this.current.value)) {
      const token = this.next();
      left = { type: "binary", line: token.line, op: token.value, left, right: operand() };
    }
    return left;
  }

  private parseMath1(): Expr {
    return this.binaryLevel(["+", "-"], () => this.parseConcat());
  }

  private parseConcat(): Expr {
    return this.binaryLevel(["~"], () => this.parseMath2());
  }

  private parseMath2(): Expr {
    return this.binaryLevel(["*", "/", "//", "%"], () => this.parsePow());
  }

  private parsePow(): Expr {
    return this.binaryLevel(["**"], () => this.parseUnary());
  }

  private parseUnary(withFilter = true): Expr {
    const token = this.current;
    let node: Expr;
    if (token.type === "operator" && (token.value === "-" || token.value === "+")) {
      this.next();
      node = { type: "unary", line: token.line, op: token.value, operand: this.parseUnary(false) };
    } else {
      node = this.parsePrimary();
    }
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  parsePrimary(): Expr {
    const token = this.current;
    const { line } = token;
    if (token.type === "name") {
      this.next();
      if (token.value === "true" || token.value === "True") return { type: "const", line, value: true };
      if (token.value === "false" || token.value === "False") return { type: "const", line, value: false };
      if (token.value === "none" || token.value === "None") return { type: "const", line, value: null };
      return { type: "name", line, name: token.value };
    }
    if (token.type === "string") {
      let value = this.next().value;
      while (this.current.type === "string") value += this.next().value;
      return { type: "const", line, value };
    }
    if (token.type === "integer" || token.type === "float") {
      this.next();
      const value = token.number ?? 0;
      return {
        type: "const",
        line,
        value: token.type === "float" && Number.isInteger(value) ? new PyFloat(value) : value,
      };
    }
    if (token.type === "operator") {
      if (token.value === "(") {
        this.next();
        const node = this.parseTuple({ explicitParentheses: true });
        this.expect("operator", ")");
        return node;
      }
      if (token.value === "[") return this.parseList();
      if (token.value === "{") return this.parseDict();
    }
    throw syntaxError(`unexpected ${this.describe(token)}`, line);
  }

  private parseList(): Expr {
    const line = this.expect("operator", "[").line;
    const items: Expr[] = [];
    while (!this.isOperator("]")) {
      if (items.length > 0) this.expect("operator", ",");
      if (this.isOperator("]")) break;
      items.push(this.parseExpression());
    }
    this.expect("operator", "]");
    return { type: "list", line, items };
  }

  private parseDict(): Expr {
    const line = this.expect("operator", "{").line;
    const pairs: [Expr, Expr][] = [];
    while (!this.isOperator("}")) {
      if (pairs.length > 0) this.expect("operator", ",");
      if (this.isOperator("}")) break;
      const key = this.parseExpression();
      this.expect("operator", ":");
      pairs.push([key, this.parseExpression()]);
    }
    this.expect("operator", "}");
    return { type: "dict", line, pairs };
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.isOperator(".") || this.isOperator("[")) node = this.parseSubscript(node);
      else if (this.isOperator("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOperator("|")) node = this.parseFilter(node);
      else if (this.current.type === "name" && this.current.value === "is") node = this.parseTest(node);
      else if (this.isOperator("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const token = this.next();
    if (token.value === ".") {
      const attr = this.next();
      if (attr.type === "name") return { type: "getattr", line: token.line, object: node, attr: attr.value };
      if (attr.type !== "integer") throw syntaxError("expected name or number", attr.line);
      return {
        type: "getitem",
        line: token.line,
        object: node,
        key: { type: "const", line: attr.line, value: attr.number },
      };
    }
    const keys: Expr[] = [];
    while (!this.isOperator("]")) {
      if (keys.length > 0) this.expect("operator", ",");
      keys.push(this.parseSubscribed());
    }
    this.expect("operator", "]");
    const key: Expr =
      keys.length === 1 ? (keys[0] as Expr) : { type: "tuple", line: token.line, items: keys };
    return { type: "getitem", line: token.line, object: node, key };
  }

  private parseSubscribed(): Expr {
    const line = this.current.line;
    let start: Expr | undefined;
    if (this.isOperator(":")) this.next();
    else {
      start = this.parseExpression();
      if (!this.isOperator(":")) return start;
      this.next();
    }
    const atEnd = (): boolean => this.isOperator("]") || this.isOperator(",");
    const stop = this.isOperator(":") || atEnd() ? undefined : this.parseExpression();
    let step: Expr | undefined;
    if (this.isOperator(":")) {
      this.next();
      if (!atEnd()) step = this.parseExpression();
    }
    return { type: "slice", line, start, stop, step };
  }

  private parseCall(node: Expr): Expr {
    const line = this.current.line;
    return { type: "call", line, callee: node, ...this.parseCallArgs() };
  }

  private parseCallArgs(): CallArgs {
    const open = this.expect("operator", "(");
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    let starArgs: Expr | undefined;
    let starKwargs: Expr | undefined;
    const ensure = (ok: boolean): void => {
      if (!ok) throw syntaxError("invalid syntax for function call expression", open.line);
    };
    let requireComma = false;
    while (!this.isOperator(")")) {
      if (requireComma) {
        this.expect("operator", ",");
        if (this.isOperator(")")) break;
      }
      if (this.isOperator("*")) {
        ensure(starArgs === undefined && starKwargs === undefined);
        this.next();
        starArgs = this.parseExpression();
      } else if (this.isOperator("**")) {
        ensure(starKwargs === undefined);
        this.next();
        starKwargs = this.parseExpression();
      } else if (
        this.current.type === "name" &&
        this.look().type === "operator" &&
        this.look().value === "="
      ) {
        ensure(starKwargs === undefined);
        const key = this.next().value;
        this.next();
        kwargs.push([key, this.parseExpression()]);
      } else {
        ensure(starArgs === undefined && starKwargs === undefined && kwargs.length === 0);
        args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expect("operator", ")");
    return { args, kwargs, starArgs, starKwargs };
  }

  private dottedName(): Token & { name: string } {
    const token = this.expect("name");
    let name = token.value;
    while (this.isOperator(".")) {
      this.next();
      name += `.${this.expect("name").value}`;
    }
    return { ...token, name };
  }

  parseFilter(node: Expr | undefined, startInline = false): Expr {
    let result = node;
    while (this.isOperator("|") || startInline) {
      if (!startInline) this.next();
      startInline = false;
      const token = this.dottedName();
      if (!this.known.filters.has(token.name))
        throw syntaxError(`No filter named '${token.name}'.`, token.line);
      const call = this.isOperator("(") ? this.parseCallArgs() : { args: [], kwargs: [] };
      result = { type: "filter", line: token.line, name: token.name, operand: result, ...call };
    }
    if (result === undefined) throw syntaxError("expected a filter", this.current.line);
    return result;
  }

  private parseTest(node: Expr): Expr {
    const line = this.next().line;
    const negated = this.skipIf("name", "not");
    const { name } = this.dottedName();
    if (!this.known.tests.has(name)) throw syntaxError(`No test named '${name}'.`, line);
    let call: CallArgs = { args: [], kwargs: [] };
    const { type, value } = this.current;
    if (this.isOperator("(")) call = this.parseCallArgs();
    else if (
      (TEST_ARGUMENT_STARTS.has(type) || (type === "operator" && (value === "[" || value === "{"))) &&
      !(type === "name" && (value === "else" || value === "or" || value === "and"))
    ) {
      if (type === "name" && value === "is")
        throw syntaxError("You cannot chain multiple tests with is", line);
      call = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    }
    const test: Expr = { type: "test", line, name, operand: node, ...call };
    return negated ? { type: "unary", line, op: "not", operand: test } : test;
  }

  /** A `set` / `for` / `with` target: names, tuples of names, or `ns.attr` when allowed. */
  assignTarget(options: { endNames?: readonly string[]; withNamespace?: boolean }): Target {
    const items: Target[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expect("operator", ",");
      if (this.isTupleEnd(options.endNames) || this.isOperator("=") || this.isOperator("|")) break;
      items.push(this.targetItem(options.withNamespace === true));
      if (!this.isOperator(",")) break;
      isTuple = true;
    }
    if (items.length === 0)
      throw syntaxError(`can't assign to ${this.describe(this.current)}`, this.current.line);
    return isTuple ? { type: "tuple", items } : (items[0] as Target);
  }

  private targetItem(withNamespace: boolean): Target {
    if (this.isOperator("(")) {
      this.next();
      const inner = this.assignTarget({});
      this.expect("operator", ")");
      return inner;
    }
    const token = this.current;
    if (token.type !== "name" || ["true", "false", "none", "True", "False", "None"].includes(token.value)) {
      throw syntaxError(`can't assign to ${this.describe(token)}`, token.line);
    }
    this.next();
    if (withNamespace && this.isOperator(".")) {
      this.next();
      return { type: "nsref", name: token.value, attr: this.expect("name").value };
    }
    return { type: "name", name: token.value };
  }
}

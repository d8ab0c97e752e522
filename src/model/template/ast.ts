/** The syntax tree of a parsed template: plain readonly data, one `type` tag per node. */

export interface CallArgs {
  readonly args: readonly Expr[];
  readonly kwargs: readonly (readonly [string, Expr])[];
  readonly starArgs?: Expr | undefined;
  readonly starKwargs?: Expr | undefined;
}

export type Expr =
  | { readonly type: "const"; readonly line: number; readonly value: unknown }
  | { readonly type: "name"; readonly line: number; readonly name: string }
  | { readonly type: "list" | "tuple"; readonly line: number; readonly items: readonly Expr[] }
  | { readonly type: "dict"; readonly line: number; readonly pairs: readonly (readonly [Expr, Expr])[] }
  | { readonly type: "getattr"; readonly line: number; readonly object: Expr; readonly attr: string }
  | { readonly type: "getitem"; readonly line: number; readonly object: Expr; readonly key: Expr }
  | {
      readonly type: "slice";
      readonly line: number;
      readonly start: Expr | undefined;
      readonly stop: Expr | undefined;
      readonly step: Expr | undefined;
    }
  | ({ readonly type: "call"; readonly line: number; readonly callee: Expr } & CallArgs)
  | ({
      readonly type: "filter";
      readonly line: number;
      readonly name: string;
      readonly operand: Expr | undefined;
    } & CallArgs)
  | ({
      readonly type: "test";
      readonly line: number;
      readonly name: string;
      readonly operand: Expr;
    } & CallArgs)
  | {
      readonly type: "binary";
      readonly line: number;
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly type: "unary"; readonly line: number; readonly op: "not" | "-" | "+"; readonly operand: Expr }
  | { readonly type: "and" | "or"; readonly line: number; readonly left: Expr; readonly right: Expr }
  | {
      readonly type: "compare";
      readonly line: number;
      readonly first: Expr;
      readonly ops: readonly (readonly [string, Expr])[];
    }
  | {
      readonly type: "condexpr";
      readonly line: number;
      readonly test: Expr;
      readonly then: Expr;
      readonly otherwise: Expr | undefined;
    };

/** What `set`, `for` and `with` assign to. */
export type Target =
  | { readonly type: "name"; readonly name: string }
  | { readonly type: "tuple"; readonly items: readonly Target[] }
  | { readonly type: "nsref"; readonly name: string; readonly attr: string };

export interface Param {
  readonly name: string;
  readonly default: Expr | undefined;
}

export interface MacroDef {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly catchVarargs: boolean;
  readonly catchKwargs: boolean;
  readonly callerUsed: boolean;
}

export interface BlockStmt {
  readonly type: "block";
  readonly line: number;
  readonly name: string;
  readonly body: readonly Stmt[];
  readonly scoped: boolean;
  readonly required: boolean;
}

export type Stmt =
  | { readonly type: "data"; readonly line: number; readonly text: string }
  | { readonly type: "print"; readonly line: number; readonly expr: Expr }
  | {
      readonly type: "for";
      readonly line: number;
      readonly target: Target;
      readonly iter: Expr;
      readonly body: readonly Stmt[];
      readonly otherwise: readonly Stmt[];
      readonly test: Expr | undefined;
      readonly recursive: boolean;
    }
  | {
      readonly type: "if";
      readonly line: number;
      readonly branches: readonly (readonly [Expr, readonly Stmt[]])[];
      readonly otherwise: readonly Stmt[];
    }
  | { readonly type: "set"; readonly line: number; readonly target: Target; readonly expr: Expr }
  | {
      readonly type: "setblock";
      readonly line: number;
      readonly target: Target;
      readonly body: readonly Stmt[];
      readonly filter: Expr | undefined;
    }
  | ({ readonly type: "macro"; readonly line: number } & MacroDef)
  | ({ readonly type: "callblock"; readonly line: number; readonly call: Expr } & MacroDef)
  | {
      readonly type: "filterblock";
      readonly line: number;
      readonly filter: Expr;
      readonly body: readonly Stmt[];
    }
  | {
      readonly type: "with";
      readonly line: number;
      readonly assignments: readonly (readonly [Target, Expr])[];
      readonly body: readonly Stmt[];
    }
  | BlockStmt
  | { readonly type: "extends"; readonly line: number; readonly template: Expr }
  | {
      readonly type: "include";
      readonly line: number;
      readonly template: Expr;
      readonly ignoreMissing: boolean;
      readonly withContext: boolean;
    }
  | {
      readonly type: "import";
      readonly line: number;
      readonly template: Expr;
      readonly target: string;
      readonly withContext: boolean;
    }
  | {
      readonly type: "fromimport";
      readonly line: number;
      readonly template: Expr;
      readonly names: readonly (readonly [string, string])[];
      readonly withContext: boolean;
    };

export interface TemplateAst {
  readonly body: readonly Stmt[];
  /** Every `{% block %}` of the template, nested ones included, by name. */
  readonly blocks: ReadonlyMap<string, BlockStmt>;
}

/**
 * The template engine's internal errors. They carry the line (and, once known, the template) so
 * that the public API can turn them into one `OctoflowError` naming `template:line: problem`.
 * Jinja2's exception names are kept in `kind` so messages read like Jinja2's.
 */

export type TemplateErrorKind =
  | "TemplateSyntaxError"
  | "UndefinedError"
  | "SecurityError"
  | "TypeError"
  | "ValueError"
  | "ZeroDivisionError"
  | "TemplateNotFound"
  | "TemplateRuntimeError";

export class TemplateError extends Error {
  readonly kind: TemplateErrorKind;
  line: number | undefined;
  template: string | undefined;

  constructor(kind: TemplateErrorKind, message: string, line?: number) {
    super(message);
    this.name = kind;
    this.kind = kind;
    this.line = line;
  }

  /** Records where the error happened, unless an inner frame already did. */
  at(line: number, template: string | undefined): this {
    if (this.line === undefined) this.line = line;
    if (this.template === undefined) this.template = template;
    return this;
  }
}

export function syntaxError(message: string, line: number): TemplateError {
  return new TemplateError("TemplateSyntaxError", message, line);
}

export function typeError(message: string): TemplateError {
  return new TemplateError("TypeError", message);
}

export function valueError(message: string): TemplateError {
  return new TemplateError("ValueError", message);
}

export function securityError(message: string): TemplateError {
  return new TemplateError("SecurityError", message);
}

export function runtimeError(message: string): TemplateError {
  return new TemplateError("TemplateRuntimeError", message);
}

/** One hint per kind of problem: what the template author can do about it. */
export function hintFor(error: TemplateError): string {
  switch (error.kind) {
    case "TemplateSyntaxError":
      return "fix the template syntax (Jinja2: {{ expression }}, {% statement %}, {# comment #})";
    case "UndefinedError":
      return "the value is not in the context; guard it with `is defined` or `| default(...)`";
    case "SecurityError":
      return "templates are sandboxed: only the data passed in and Jinja2's filters, tests and methods are reachable";
    case "TemplateNotFound":
      return "check the template name; it is resolved under TEMPLATES_PATH";
    case "ZeroDivisionError":
      return "guard the division against a zero divisor";
    default:
      return "check the types of the values used at that line";
  }
}

/**
 * Python's number and string formatting: `'%.2f' % x`, `'{:>8}'.format(x)`, format specs, and
 * round-half-even on the exact binary value (Python's `round()` and `%.1f`), which JavaScript's
 * `toFixed` does not do on exact ties.
 */
import { typeError, valueError } from "./errors.js";
import { floatRepr, intStr, pyRepr, pyStr } from "./format.js";
import { isDict, isFloat, isNumber, isTuple, num, typeName } from "./values.js";

/** `x` with `digits` decimals, rounded half-to-even on ties like Python. */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (Math.abs(value) >= 1e21) {
    return `${BigInt(value).toString()}${digits > 0 ? `.${"0".repeat(digits)}` : ""}`;
  }
  let text = value.toFixed(digits);
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 25));
  const tail = exact.slice(exact.indexOf(".") + 1 + digits);
  if (/^50*$/.test(tail)) {
    const last = Number(text[text.length - 1]);
    if (last % 2 === 1) text = text.slice(0, -1) + String(last - 1);
  }
  if (Object.is(value, -0) || (value < 0 && !text.startsWith("-"))) text = `-${text}`;
  return text;
}

/** Python's `round(x, digits)` for floats. */
export function roundHalfEven(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  if (digits >= 0) return Number(formatFixed(value, Math.min(digits, 100)));
  const factor = 10 ** -digits;
  return Number(formatFixed(value / factor, 0)) * factor;
}

function formatExponent(value: number, digits: number, upper: boolean): string {
  const [mantissa = "", exponent = "0"] = value.toExponential(digits).split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const text = `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  return upper ? text.toUpperCase() : text;
}

function formatGeneral(value: number, precision: number, alternate: boolean, upper: boolean): string {
  const digits = precision === 0 ? 1 : precision;
  if (value === 0) return alternate ? `0.${"0".repeat(digits - 1)}` : "0";
  const exponent = Number(value.toExponential(digits - 1).split("e")[1]);
  const text =
    exponent >= -4 && exponent < digits
      ? formatFixed(value, digits - 1 - exponent)
      : formatExponent(value, digits - 1, upper);
  if (alternate) return text;
  const [mantissa = "", exponentPart] = text.split(/(?=[eE])/);
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return trimmed + (exponentPart ?? "");
}

function groupThousands(digits: string, separator: string): string {
  const [whole = "", fraction] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** Python's `format(value, spec)` (the format-spec mini-language). */
export function formatSpec(value: unknown, spec: string): string {
  const match = SPEC.exec(spec);
  if (!match) throw valueError(`Invalid format specifier '${spec}' for object of type '${typeName(value)}'`);
  const [, fillChar, alignChar, sign = "-", alternate, zero, widthText, grouping, precisionText, type] =
    match;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let body: string;
  let numeric = false;
  if (isNumber(value) && type !== "s") {
    numeric = true;
    const n = num(value);
    const float = isFloat(value);
    const negative = n < 0 || Object.is(n, -0);
    const magnitude = Math.abs(n);
    switch (type) {
      case undefined:
        body =
          precision === undefined
            ? float
              ? floatRepr(magnitude)
              : intStr(magnitude)
            : formatGeneral(magnitude, precision, false, false);
        break;
      case "d":
      case "n":
        if (float) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
        body = intStr(magnitude);
        break;
      case "f":
      case "F":
        body = formatFixed(magnitude, precision ?? 6);
        break;
      case "e":
      case "E":
        body = formatExponent(magnitude, precision ?? 6, type === "E");
        break;
      case "g":
      case "G":
        body = formatGeneral(magnitude, precision ?? 6, alternate !== undefined, type === "G");
        break;
      case "%":
        body = `${formatFixed(magnitude * 100, precision ?? 6)}%`;
        break;
      case "x":
      case "X":
      case "o":
      case "b": {
        if (float) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
        const radix = type === "o" ? 8 : type === "b" ? 2 : 16;
        body = magnitude.toString(radix);
        if (type === "X") body = body.toUpperCase();
        if (alternate) body = `0${type}${body}`;
        break;
      }
      case "c":
        body = String.fromCodePoint(magnitude);
        break;
      default:
        throw valueError(`Unknown format code '${type}' for object of type '${typeName(value)}'`);
    }
    if (grouping) body = groupThousands(body, grouping);
    const signText = negative && body !== "nan" ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
    body = signText + body;
  } else {
    if (type !== undefined && type !== "s")
      throw valueError(`Unknown format code '${type}' for object of type '${typeName(value)}'`);
    body = pyStr(value);
    if (precision !== undefined) body = Array.from(body).slice(0, precision).join("");
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  const length = Array.from(body).length;
  if (length >= width) return body;
  const fill = fillChar ?? (zero && !alignChar ? "0" : " ");
  const align = alignChar ?? (zero ? "=" : numeric ? ">" : "<");
  const padding = width - length;
  if (align === "<") return body + fill.repeat(padding);
  if (align === ">") return fill.repeat(padding) + body;
  if (align === "^")
    return fill.repeat(Math.floor(padding / 2)) + body + fill.repeat(padding - Math.floor(padding / 2));
  const signLength = /^[+\- ]/.test(body) ? 1 : 0;
  return body.slice(0, signLength) + fill.repeat(padding) + body.slice(signLength);
}

const PERCENT = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

/** Python's `format % values` (also the `format` filter). */
export function percentFormat(format: string, values: unknown, lookup: (key: string) => unknown): string {
  const positional = Array.isArray(values) && isTuple(values) ? values : [values];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw typeError("not enough arguments for format string");
    return positional[next++];
  };
  const out = format.replace(
    PERCENT,
    (
      _whole,
      key: string | undefined,
      flags: string,
      width?: string,
      precision?: string,
      conversion?: string,
    ) => {
      if (conversion === "%") return "%";
      const widthValue = width === "*" ? Number(take()) : width;
      const precisionValue = precision === "*" ? Number(take()) : precision;
      let value = key !== undefined ? lookup(key) : take();
      let spec = "";
      if (flags.includes("-")) spec += "<";
      else if (flags.includes("0") && "diouxXeEfFgG".includes(conversion ?? "")) spec += "0=";
      if (flags.includes("+")) spec += "+";
      else if (flags.includes(" ")) spec += " ";
      if (flags.includes("#")) spec += "#";
      if (widthValue !== undefined) spec += String(widthValue);
      if (precisionValue !== undefined) spec += `.${String(precisionValue)}`;
      switch (conversion) {
        case "s":
          return formatSpec(pyStr(value), spec);
        case "r":
        case "a":
          return formatSpec(pyRepr(value), spec);
        case "c":
          return formatSpec(typeof value === "string" ? value : String.fromCodePoint(Number(value)), spec);
        default: {
          if (!isNumber(value)) {
            throw typeError(`%${conversion ?? ""} format: a real number is required, not ${typeName(value)}`);
          }
          if ("diuxXo".includes(conversion ?? "")) value = Math.trunc(num(value));
          const type = conversion === "i" || conversion === "u" ? "d" : conversion;
          return formatSpec(value, spec + (type ?? ""));
        }
      }
    },
  );
  if (!isDict(values) && next < positional.length) {
    throw typeError("not all arguments converted during string formatting");
  }
  return out;
}

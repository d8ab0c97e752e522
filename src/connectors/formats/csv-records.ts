/**
 * Cuts CSV text into records, chunk by chunk (RFC 4180: quoted cells may hold delimiters, line
 * breaks and doubled quotes). Written here instead of using csv-parse for two things csv-parse
 * only gives through its per-cell `cast` and `info` hooks, which made reading 6× slower: whether
 * a cell was quoted (an unquoted empty cell is NULL, a quoted one `""` an empty text) and the
 * line each record starts on, for error messages.
 */

export interface CsvRecord {
  readonly cells: (string | null)[];
  /** The line the record starts on (1-based, counting every line of the file). */
  readonly line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

export class CsvRecordParser {
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #nullText: string;
  #cells: (string | null)[] = [];
  #cell = "";
  #quoted = false;
  /** Inside quotes, or just after a closing quote (a doubled quote continues the cell). */
  #state: "start" | "plain" | "quoted" | "after-quote" = "start";
  #line = 1;
  #recordLine = 1;
  #first = true;
  #lastQuoted = false;
  /** The previous text ended with a carriage return: a line feed that starts the next one is its pair. */
  #afterReturn = false;

  constructor(options: { delimiter: string; quote: string; nullText: string }) {
    if (options.delimiter.length !== 1 || options.quote.length !== 1)
      throw new Error("the CSV delimiter and quote must be one character each");
    this.#delimiter = options.delimiter.charCodeAt(0);
    this.#quote = options.quote.charCodeAt(0);
    this.#nullText = options.nullText;
  }

  /** Adds text; returns the records it completes. */
  push(text: string): CsvRecord[] {
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const records: CsvRecord[] = [];
    const delimiter = this.#delimiter;
    const quote = this.#quote;
    let start = 0; // Start of the part of `text` not yet added to #cell.
    let i = 0;
    if (this.#afterReturn && text.charCodeAt(0) === NEWLINE) start = i = 1;
    this.#afterReturn = false;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      switch (this.#state) {
        case "quoted":
          if (code === quote) {
            this.#cell += text.slice(start, i);
            this.#state = "after-quote";
          } else if (code === NEWLINE) this.#line++;
          continue;
        case "after-quote":
          if (code === quote) {
            // A doubled quote is one quote character of the cell.
            this.#state = "quoted";
            start = i;
            continue;
          }
          if (code !== delimiter && code !== NEWLINE && code !== RETURN) {
            throw new CsvSyntaxError(
              `a character after a closing quote: ${JSON.stringify(text[i])}`,
              this.#line,
            );
          }
          start = i;
          this.#state = "plain";
          break;
        case "start":
          if (code === quote) {
            this.#state = "quoted";
            this.#quoted = true;
            start = i + 1;
            continue;
          }
          this.#state = "plain";
          start = i;
          break;
        case "plain":
          break;
      }
      // Plain text: a delimiter ends a cell, a line break a record.
      if (code === delimiter) {
        this.#endCell(text.slice(start, i));
        start = i + 1;
      } else if (code === NEWLINE || code === RETURN) {
        this.#endCell(text.slice(start, i));
        if (code === RETURN) {
          if (i + 1 === text.length) this.#afterReturn = true;
          else if (text.charCodeAt(i + 1) === NEWLINE) i++;
        }
        this.#endRecord(records);
        this.#line++;
        start = i + 1;
      }
    }
    if (this.#state === "plain" || this.#state === "quoted") this.#cell += text.slice(start);
    return records;
  }

  /** Ends the text: returns the last record, or throws when a quote is still open. */
  end(): CsvRecord[] {
    if (this.#state === "quoted") throw new CsvSyntaxError("a quoted cell is not closed", this.#recordLine);
    const records: CsvRecord[] = [];
    if (this.#state !== "start" || this.#cells.length > 0) {
      this.#endCell("");
      this.#endRecord(records);
    }
    return records;
  }

  #endCell(rest: string): void {
    const text = this.#cell + rest;
    this.#cells.push(!this.#quoted && text === this.#nullText ? null : text);
    this.#lastQuoted = this.#quoted;
    this.#cell = "";
    this.#quoted = false;
    this.#state = "start";
  }

  #endRecord(records: CsvRecord[]): void {
    const cells = this.#cells;
    this.#cells = [];
    // A blank line is no record.
    const blank =
      cells.length === 1 &&
      !this.#lastQuoted &&
      (cells[0] === "" || (cells[0] === null && this.#nullText === ""));
    if (!blank) {
      records.push({ cells, line: this.#recordLine });
    }
    this.#recordLine = this.#line + 1;
  }
}

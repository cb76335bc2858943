// tf.data.csv: a dataset of a CSV file's rows, parsed by TF.js 4.22's rules. Lines end at \n (a \r before it
// is dropped); a field may be quoted, and keeps a doubled quote inside as it is (TF.js does not unescape it);
// a field that reads as a number (Number()) is one, others stay strings; an empty field is the column's
// default, or undefined, or an error when the column is required or a label. With label columns each element
// is { xs: {...features}, ys: {...labels} }. Errors name the row, its line in the file and the column.

import type { DType } from '../tensor/dtype.js';
import type { TensorContainer } from '../tensor/tensor.js';
import { checkObject, checkOptions, describe, didYouMean, is, type Schema } from '../validate.js';
import { Dataset } from './dataset.js';
import { type DataIterator, DONE, syncIterator } from './iterator.js';
import { inNode, readText } from './sources.js';
import { cloneElement } from './structure.js';

const OP = 'tf.data.csv';

/** How one column is read. */
export interface ColumnConfig {
  /** An empty field is an error (label columns are always required). */
  required?: boolean;
  /** int32 floors numbers; bool reads '1' and 'true' (any case) as 1, anything else as 0. */
  dtype?: DType | 'string';
  /** The value of an empty field. */
  default?: TensorContainer;
  /** The column goes in the element's ys rather than its xs. */
  isLabel?: boolean;
}

export interface CSVConfig {
  /** The first line names the columns (default true). */
  hasHeader?: boolean;
  /** The column names; required without a header line, and replacing the header's names when there is one. */
  columnNames?: string[];
  columnConfigs?: { [column: string]: ColumnConfig };
  /** Only the columns in columnConfigs make it into the elements. */
  configuredColumnsOnly?: boolean;
  /** The character between fields (default ','). */
  delimiter?: string;
  /** Fields are separated by runs of spaces (no delimiter may be given then). */
  delimWhitespace?: boolean;
}

const COLUMN: Schema = { required: is.bool, dtype: is.oneOf('float32', 'int32', 'bool', 'string'), default: is.any, isLabel: is.bool };

const CONFIG: Schema = {
  hasHeader: is.bool,
  columnNames: (op, name, v) => {
    if (!Array.isArray(v) || !Array.from(v).every((n) => typeof n === 'string')) throw new Error(`${op}: ${name} must be an array of strings, got ${describe(v)}`);
  },
  columnConfigs: (op, name, v) => {
    checkObject(op, name, v);
    for (const [column, config] of Object.entries(v)) {
      checkObject(op, `${name}.${column}`, config);
      checkOptions(op, `${name}.${column}`, config, COLUMN);
    }
  },
  configuredColumnsOnly: is.bool,
  delimiter: (op, name, v) => {
    if (typeof v !== 'string' || v.length !== 1 || v === '"' || v === '\n' || v === '\r') {
      throw new Error(`${op}: ${name} must be one character (not a quote or a line break), got ${describe(v)}`);
    }
  },
  delimWhitespace: is.bool,
};

/** A few names for messages. */
function list(names: string[]): string {
  return names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, ... (${names.length} in all)`;
}

/**
 * The rows of a CSV file as a dataset; see tf.data.csv.
 * @example const ds = tf.data.csv('file://data/housing.csv', { columnConfigs: { y: { isLabel: true } } });
 */
export class CSVDataset extends Dataset<TensorContainer> {
  private readonly hasHeader: boolean;
  private readonly givenNames: string[] | null;
  private readonly configs: { [column: string]: ColumnConfig } | null;
  private readonly configuredOnly: boolean;
  private readonly delimiter: string;
  private readonly whitespace: boolean;
  /** The column names, once known (from columnNames, or the header line when the file is first read). */
  private names: string[] | null = null;

  constructor(
    private readonly source: string | Request,
    csvConfig?: CSVConfig,
  ) {
    super();
    checkSource(source);
    const config = checkOptions(OP, 'csvConfig', csvConfig, CONFIG);
    this.hasHeader = config.hasHeader ?? true;
    this.givenNames = config.columnNames?.slice() ?? null;
    this.configs = config.columnConfigs ?? null;
    this.configuredOnly = config.configuredColumnsOnly ?? false;
    this.whitespace = config.delimWhitespace ?? false;
    if (this.whitespace && config.delimiter !== undefined) throw new Error(`${OP}: delimiter must be left out when delimWhitespace is true`);
    this.delimiter = this.whitespace ? ' ' : (config.delimiter ?? ',');
    if (this.configuredOnly && this.configs === null) throw new Error(`${OP}: configuredColumnsOnly needs columnConfigs, the columns to keep`);
    if (!this.hasHeader) {
      if (this.givenNames === null) throw new Error(`${OP}: columnNames must be given when hasHeader is false (there is no header line to read them from)`);
      this.names = this.resolve(null);
    }
  }

  /**
   * The column names (those of columnConfigs when configuredColumnsOnly), reading the header line if need be.
   * @example console.log(await tf.data.csv('file://data/housing.csv').columnNames());
   */
  async columnNames(): Promise<string[]> {
    const names = this.names ?? (await this.open()).names;
    return this.configuredOnly ? Object.keys(this.configs!) : names.slice();
  }

  async iterator(): Promise<DataIterator<TensorContainer>> {
    const { names, nextLine } = await this.open();
    let row = 0;
    return syncIterator(() => {
      const line = nextLine();
      if (line === null) return DONE;
      return { value: this.element(line, ++row, names), done: false };
    });
  }

  /** Reads the file; past the header line, if there is one. */
  private async open(): Promise<{ names: string[]; nextLine: () => Line | null }> {
    const nextLine = lines(await readText(OP, this.source));
    if (!this.hasHeader) return { names: this.names!, nextLine };
    const header = nextLine();
    const url = typeof this.source === 'string' ? this.source : this.source.url;
    if (header === null) throw new Error(`${OP}: ${describe(url)} is empty, but hasHeader is true: expected a header line`);
    this.names ??= this.resolve(parseRow(header.text, this.delimiter, this.whitespace));
    return { names: this.names, nextLine };
  }

  /** The column names, checked against the header's (if read) and columnConfigs. */
  private resolve(header: string[] | null): string[] {
    const given = this.givenNames;
    if (given !== null && header !== null && given.length !== header.length) {
      throw new Error(`${OP}: columnNames has ${given.length} names, but the header line has ${header.length} columns (${list(header)})`);
    }
    const names = given ?? header!;
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) throw new Error(`${OP}: ${given ? 'columnNames' : 'the header line'} names the column ${describe(repeated)} twice; columns need distinct names`);
    for (const [column, config] of Object.entries(this.configs ?? {})) {
      if (!names.includes(column)) {
        throw new Error(`${OP}: columnConfigs names the column ${describe(column)}${config.isLabel ? ' (a label)' : ''}, which is not in the file${didYouMean(column, names)}`);
      }
    }
    return names;
  }

  /** One row as an element: { column: value } or, with label columns, { xs, ys }. */
  private element(line: Line, row: number, names: string[]): TensorContainer {
    const where = `row ${row} (line ${line.number})`;
    const fields = parseRow(line.text, this.delimiter, this.whitespace);
    if (fields.length !== names.length) {
      throw new Error(`${OP}: ${where} has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${names.length} (columns ${list(names)}): ${describe(line.text)}`);
    }
    const features: Array<[string, TensorContainer]> = [];
    const labels: Array<[string, TensorContainer]> = [];
    names.forEach((column, i) => {
      const config = this.configs !== null && Object.hasOwn(this.configs, column) ? this.configs[column] : undefined;
      if (this.configuredOnly && config === undefined) return;
      (config?.isLabel ? labels : features).push([column, fieldValue(fields[i], column, config, where)]);
    });
    const xs = Object.fromEntries(features);
    return labels.length === 0 ? xs : { xs, ys: Object.fromEntries(labels) };
  }
}

/** A field's value by TF.js's rules (see the top of the file). */
function fieldValue(text: string, column: string, config: ColumnConfig | undefined, where: string): TensorContainer {
  if (text === '') {
    if (config?.default !== undefined) return cloneElement(OP, config.default, `columnConfigs.${column}.default`);
    if (config?.required || config?.isLabel) throw new Error(`${OP}: ${where} leaves the column ${describe(column)} empty, but it is ${config.isLabel ? 'a label' : 'required'}`);
    return undefined;
  }
  if (config?.dtype === 'bool') return text === '1' || text.toLowerCase() === 'true' ? 1 : 0;
  const n = Number(text);
  if (Number.isNaN(n)) return text;
  return config?.dtype === 'int32' ? Math.floor(n) : n;
}

interface Line {
  text: string;
  /** 1-based, in the file. */
  number: number;
}

/** The lines of text one by one, as TF.js splits them: at \n, a trailing \r dropped, no line after a final \n. */
function lines(text: string): () => Line | null {
  let at = 0;
  let number = 0;
  return () => {
    if (at >= text.length) return null;
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(at, end);
    at = end + 1;
    return { text: line.endsWith('\r') ? line.slice(0, -1) : line, number: ++number };
  };
}

// parseRow's states: between fields, in an unquoted field, in a quoted one, just after a quote inside a quoted
// field (its end, or the first of a doubled quote), and in text after a closing quote.
const BETWEEN = 0;
const PLAIN = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3;
const PAST_QUOTE = 4;

/** A line's fields, by TF.js's rules; with `whitespace`, runs of the (space) delimiter count as one. */
export function parseRow(line: string, delimiter: string, whitespace: boolean): string[] {
  const fields: string[] = [];
  let state = BETWEEN;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state === BETWEEN) {
      if (c === '"') [state, start] = [QUOTED, i + 1];
      else if (c === delimiter) {
        start = i + 1;
        if (!whitespace) fields.push('');
      } else [state, start] = [PLAIN, i];
    } else if (state === PLAIN) {
      if (c === delimiter) {
        fields.push(line.slice(start, i));
        [state, start] = [BETWEEN, i + 1];
      }
    } else if (state === QUOTED) {
      if (c === '"') state = AFTER_QUOTE;
    } else if (state === AFTER_QUOTE) {
      if (c === delimiter) {
        fields.push(line.slice(start, i - 1));
        [state, start] = [BETWEEN, i + 1];
      } else state = c === '"' ? QUOTED : PAST_QUOTE;
    } else if (c === '"') state = QUOTED;
  }
  fields.push(state === AFTER_QUOTE ? line.slice(start, line.length - 1) : line.slice(start));
  return fields;
}

/** Throws unless source is a URL string (a file:// path in Node) or a Request. */
function checkSource(source: unknown): asserts source is string | Request {
  if (typeof Request === 'function' && source instanceof Request) return;
  if (typeof source !== 'string' || source === '') {
    throw new Error(`${OP}: source must be a URL (http(s), or a file:// path in Node) or a Request, got ${describe(source)}`);
  }
  if (inNode && !/^[a-z][a-z\d+.-]*:/i.test(source)) {
    throw new Error(`${OP}: source ${describe(source)} is not a URL; in Node a local file is read from a file:// path, e.g. ${describe(`file://${source}`)}`);
  }
}

/**
 * A dataset of the rows of a CSV file: in Node a `file://` path (or an http(s) URL), in a browser a URL. Each
 * element is an object of the row's values by column, or `{ xs, ys }` when columnConfigs marks label columns.
 * @example const ds = tf.data.csv('file://data/housing.csv', { columnConfigs: { medv: { isLabel: true } } }); console.log(await ds.columnNames());
 */
export function csv(source: string | Request, csvConfig: CSVConfig = {}): CSVDataset {
  return new CSVDataset(source, csvConfig);
}

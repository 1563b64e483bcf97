/** FORMULA_ERROR failures, located by a site: the function or operator and its column. */
import { SiqError } from "../errors";

/** Where an evaluation step sits in the formula; built once when the formula is compiled. */
export interface Site {
  /** The canonical function name (`Mid`) or the operator (`+`). */
  readonly name: string;
  /** 1-based column of the function name or operator in the formula source. */
  readonly column: number;
  /** How messages name the site: `Mid (column 12)` or `'+' (column 5)`. */
  readonly label: string;
}

export function functionSite(name: string, column: number): Site {
  return { name, column, label: `${name} (column ${column})` };
}

export function operatorSite(operator: string, column: number): Site {
  return { name: operator, column, label: `'${operator}' (column ${column})` };
}

export function formulaError(site: Site, message: string, cause?: unknown): SiqError {
  return new SiqError("FORMULA_ERROR", `${site.label}: ${message}`, cause === undefined ? {} : { cause });
}

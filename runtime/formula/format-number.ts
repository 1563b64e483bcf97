/**
 * .NET numeric format strings: the standard ones (C, D, E, F, G, N, P, R, X with an optional
 * precision) and custom ones (0 # . , % ‰ E+0, 'literals', \escapes, positive;negative;zero
 * sections). Rounding is half away from zero on the number's shortest decimal form.
 *
 * One deliberate difference from .NET: a negative number that rounds to zero shows no minus
 * sign (-0.001 with "0.00" is "0.00", not "-0.00").
 */
import type { Culture } from "./culture";
import { groupDigits, isZero, normalise, roundDecimal, shiftDecimal, toDecimal, type Decimal } from "./decimal";

export class NumberFormatError extends Error {}

const STANDARD = /^([A-Za-z])(\d{0,2})$/;

/** ISO 4217 currency by region, for the C format in a culture (Intl has no such table). */
const CURRENCY_BY_REGION: Record<string, string> = {
  US: "USD", AU: "AUD", NZ: "NZD", GB: "GBP", CA: "CAD", IE: "EUR", DE: "EUR", FR: "EUR", ES: "EUR",
  IT: "EUR", NL: "EUR", AT: "EUR", BE: "EUR", FI: "EUR", PT: "EUR", GR: "EUR", LU: "EUR", CH: "CHF",
  JP: "JPY", CN: "CNY", IN: "INR", SG: "SGD", ZA: "ZAR", SE: "SEK", NO: "NOK", DK: "DKK", PL: "PLN",
  BR: "BRL", MX: "MXN", HK: "HKD", KR: "KRW", AE: "AED", SA: "SAR", IL: "ILS", TR: "TRY", CZ: "CZK",
};

export function formatNumber(value: number, format: string, culture: Culture): string {
  if (!Number.isFinite(value)) throw new NumberFormatError("the number is not finite");
  const standard = STANDARD.exec(format);
  if (standard !== null) {
    return formatStandard(value, standard[1] as string, standard[2] === "" ? undefined : Number(standard[2]), culture);
  }
  return formatCustom(value, format, culture);
}

function sign(value: number, text: string, culture: Culture): string {
  return value < 0 && /[1-9]/.test(text) ? culture.minus + text : text;
}

function fixed(value: number, decimals: number, culture: Culture, grouping: boolean): string {
  const { integer, fraction } = roundDecimal(toDecimal(value), decimals);
  const whole = grouping ? groupDigits(integer || "0", culture.group) : integer || "0";
  return fraction === "" ? whole : whole + culture.decimal + fraction;
}

function formatStandard(value: number, letter: string, precision: number | undefined, culture: Culture): string {
  switch (letter) {
    case "F": case "f":
      return sign(value, fixed(value, precision ?? 2, culture, false), culture);
    case "N": case "n":
      return sign(value, fixed(value, precision ?? 2, culture, true), culture);
    case "P": case "p": {
      const { integer, fraction } = roundDecimal(shiftDecimal(toDecimal(value), 2), precision ?? 2);
      const whole = groupDigits(integer || "0", culture.group);
      const number = fraction === "" ? whole : whole + culture.decimal + fraction;
      return sign(value, number + culture.percentGap + culture.percent, culture);
    }
    case "D": case "d": {
      if (!Number.isInteger(value)) throw new NumberFormatError(`the D format needs a whole number; use F or N for fractions`);
      const digits = roundDecimal(toDecimal(value), 0).integer || "0";
      return sign(value, digits.padStart(precision ?? 0, "0"), culture);
    }
    case "X": case "x": {
      if (!Number.isSafeInteger(value) || value < 0) throw new NumberFormatError("the X format needs a whole number of 0 or more");
      const hex = value.toString(16);
      return (letter === "X" ? hex.toUpperCase() : hex).padStart(precision ?? 0, "0");
    }
    case "E": case "e":
      return sign(value, exponential(value, precision ?? 6, letter, culture, 3, true), culture);
    case "R": case "r":
      return general(value, undefined, culture);
    case "G": case "g":
      return general(value, precision === 0 ? undefined : precision, culture, letter);
    case "C": case "c":
      return currency(value, precision, culture);
    default:
      throw new NumberFormatError(`'${letter}${precision ?? ""}' is not a .NET numeric format; use for example N2, F2, C, P0, D5, 0.00 or #,##0`);
  }
}

function exponential(value: number, decimals: number, letter: string, culture: Culture, minExponentDigits: number, alwaysSign: boolean): string {
  let decimal = normalise(toDecimal(value));
  let exponent = isZero(decimal) ? 0 : decimal.point - 1;
  decimal = { digits: decimal.digits, point: 1 };
  let { integer, fraction } = roundDecimal(decimal, decimals);
  if (integer.length > 1) {
    exponent++;
    ({ integer, fraction } = roundDecimal(shiftDecimal(decimal, -1), decimals));
  }
  const mantissa = (integer || "0") + (fraction === "" ? "" : culture.decimal + fraction);
  const exponentSign = exponent < 0 ? "-" : alwaysSign ? "+" : "";
  return `${mantissa}${letter}${exponentSign}${String(Math.abs(exponent)).padStart(minExponentDigits, "0")}`;
}

function general(value: number, precision: number | undefined, culture: Culture, letter = "E"): string {
  let text: string;
  if (precision === undefined) {
    text = String(value);
  } else {
    text = value.toPrecision(Math.min(precision, 100));
    if (text.includes("e")) {
      const [mantissa = "", exponent = "0"] = text.split("e");
      text = `${trimZeros(mantissa)}e${exponent}`;
    } else {
      text = trimZeros(text);
    }
  }
  if (text === "-0") text = "0";
  const e = text.indexOf("e");
  if (e >= 0) {
    const exponent = Number(text.slice(e + 1));
    const exponentLetter = letter === "g" ? "e" : "E";
    text = `${text.slice(0, e)}${exponentLetter}${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return text.replace("-", culture.minus).replace(".", culture.decimal);
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function currency(value: number, precision: number | undefined, culture: Culture): string {
  const code = culture.name === undefined ? undefined : currencyOf(culture.name);
  if (code === undefined) {
    // The invariant culture's currency: ¤, two decimals, negatives in parentheses (.NET pattern 0).
    const number = fixed(value, precision ?? 2, culture, true);
    return value < 0 && /[1-9]/.test(number) ? `(¤${number})` : `¤${number}`;
  }
  const options: Intl.NumberFormatOptions = { style: "currency", currency: code };
  if (precision !== undefined) {
    options.minimumFractionDigits = precision;
    options.maximumFractionDigits = precision;
  }
  const formatter = new Intl.NumberFormat(culture.name, options);
  // Round as everywhere else (half away from zero on the decimal form), then let Intl lay it out.
  const decimals = precision ?? formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const { integer, fraction } = roundDecimal(toDecimal(value), decimals);
  const rounded = Number(`${integer || "0"}.${fraction || "0"}`);
  return formatter.format(value < 0 && rounded !== 0 ? -rounded : rounded);
}

function currencyOf(name: string): string | undefined {
  try {
    const region = new Intl.Locale(name).maximize().region;
    return region === undefined ? undefined : CURRENCY_BY_REGION[region];
  } catch {
    return undefined;
  }
}

// ---- custom formats ------------------------------------------------------------------------

type Token =
  | { kind: "zero" | "hash" | "point" | "comma" | "percent" | "permille" }
  | { kind: "exponent"; letter: string; alwaysSign: boolean; digits: number }
  | { kind: "literal"; text: string };

/** Splits a custom format into sections at `;` outside quotes and escapes. */
function sections(format: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === "\\") {
      i++;
    } else if (c === "'" || c === "\"") {
      quote = c;
    } else if (c === ";") {
      out.push(format.slice(start, i));
      start = i + 1;
    }
  }
  out.push(format.slice(start));
  return out;
}

function tokenize(section: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last !== undefined && last.kind === "literal") last.text += text;
    else tokens.push({ kind: "literal", text });
  };
  for (let i = 0; i < section.length; i++) {
    const c = section[i] as string;
    switch (c) {
      case "0": tokens.push({ kind: "zero" }); break;
      case "#": tokens.push({ kind: "hash" }); break;
      case ".": tokens.push({ kind: "point" }); break;
      case ",": tokens.push({ kind: "comma" }); break;
      case "%": tokens.push({ kind: "percent" }); break;
      case "‰": tokens.push({ kind: "permille" }); break;
      case "\\": literal(section[i + 1] ?? ""); i++; break;
      case "'": case "\"": {
        const end = section.indexOf(c, i + 1);
        literal(section.slice(i + 1, end < 0 ? section.length : end));
        i = end < 0 ? section.length : end;
        break;
      }
      case "E": case "e": {
        let j = i + 1;
        let alwaysSign = false;
        if (section[j] === "+") { alwaysSign = true; j++; } else if (section[j] === "-") { j++; }
        let digits = 0;
        while (section[j + digits] === "0") digits++;
        if (digits > 0) {
          tokens.push({ kind: "exponent", letter: c, alwaysSign, digits });
          i = j + digits - 1;
        } else {
          literal(c);
        }
        break;
      }
      default: literal(c);
    }
  }
  return tokens;
}

function formatCustom(value: number, format: string, culture: Culture): string {
  const parts = sections(format);
  let section = parts[0] ?? "";
  let useSign = true;
  if (value < 0 && parts.length >= 2 && (parts[1] ?? "") !== "") {
    section = parts[1] ?? "";
    useSign = false;
  } else if (value === 0 && parts.length >= 3 && (parts[2] ?? "") !== "") {
    section = parts[2] ?? "";
  }
  const text = formatSection(Math.abs(value), tokenize(section), culture);
  return useSign ? sign(value, text, culture) : text;
}

function isDigitToken(token: Token): boolean {
  return token.kind === "zero" || token.kind === "hash";
}

function formatSection(magnitude: number, tokens: Token[], culture: Culture): string {
  const exponentIndex = tokens.findIndex((t) => t.kind === "exponent");
  const numberEnd = exponentIndex < 0 ? tokens.length : exponentIndex;
  let pointIndex = tokens.findIndex((t, i) => t.kind === "point" && i < numberEnd);
  if (pointIndex < 0) pointIndex = numberEnd;

  // Commas: between digit placeholders they group; right after the last integer placeholder they divide by 1000.
  let grouping = false;
  let scale = 0;
  let lastIntegerDigit = -1;
  for (let i = 0; i < pointIndex; i++) if (isDigitToken(tokens[i] as Token)) lastIntegerDigit = i;
  for (let i = 0; i < pointIndex; i++) {
    if ((tokens[i] as Token).kind !== "comma") continue;
    if (i < lastIntegerDigit) {
      if (tokens.slice(0, i).some(isDigitToken)) grouping = true;
    } else {
      scale++;
    }
  }
  let shift = -3 * scale;
  for (const token of tokens) {
    if (token.kind === "percent") shift += 2;
    else if (token.kind === "permille") shift += 3;
  }

  const integerTokens = tokens.slice(0, pointIndex);
  const fractionTokens = tokens.slice(Math.min(pointIndex + 1, numberEnd), numberEnd);
  const integerPlaces = integerTokens.filter(isDigitToken).length;
  const firstZero = integerTokens.findIndex((t) => t.kind === "zero");
  const minInteger = firstZero < 0 ? 0 : integerTokens.slice(firstZero).filter(isDigitToken).length;
  const fractionPlaces = fractionTokens.filter(isDigitToken).length;
  let minFraction = 0;
  fractionTokens.filter(isDigitToken).forEach((t, i) => { if (t.kind === "zero") minFraction = i + 1; });

  let decimal: Decimal = shiftDecimal(toDecimal(magnitude), shift);
  let exponent = 0;
  if (exponentIndex >= 0) {
    decimal = normalise(decimal);
    const places = Math.max(integerPlaces, 1);
    if (!isZero(decimal)) {
      exponent = decimal.point - places;
      decimal = { digits: decimal.digits, point: places };
      const check = roundDecimal(decimal, fractionPlaces);
      if (check.integer.length > places) {
        exponent++;
        decimal = shiftDecimal(decimal, -1);
      }
    }
  }
  const rounded = roundDecimal(decimal, fractionPlaces);
  let fraction = rounded.fraction;
  while (fraction.length > minFraction && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  let integer = rounded.integer.padStart(minInteger, "0");
  if (grouping) integer = groupDigits(integer, culture.group);

  let out = "";
  // Integer part: fill placeholders from the right; the leftmost takes every remaining digit.
  if (grouping || integerPlaces === 0) {
    let placed = integerPlaces === 0;
    if (placed) out += integer;
    for (const token of integerTokens) {
      if (isDigitToken(token)) {
        if (!placed) { out += integer; placed = true; }
      } else {
        out += symbol(token, culture);
      }
    }
  } else {
    const pieces: string[] = [];
    let remaining = integer.length;
    let placeholdersLeft = integerPlaces;
    for (let i = integerTokens.length - 1; i >= 0; i--) {
      const token = integerTokens[i] as Token;
      if (isDigitToken(token)) {
        placeholdersLeft--;
        if (placeholdersLeft === 0) {
          pieces.push(integer.slice(0, remaining));
          remaining = 0;
        } else if (remaining > 0) {
          pieces.push(integer[remaining - 1] as string);
          remaining--;
        }
      } else {
        pieces.push(symbol(token, culture));
      }
    }
    out += pieces.reverse().join("");
  }
  if (fraction.length > 0) out += culture.decimal;
  let index = 0;
  for (const token of fractionTokens) {
    if (isDigitToken(token)) {
      if (index < fraction.length) out += fraction[index];
      index++;
    } else {
      out += symbol(token, culture);
    }
  }
  for (let i = numberEnd; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === "exponent") {
      const exponentSign = exponent < 0 ? "-" : token.alwaysSign ? "+" : "";
      out += `${token.letter}${exponentSign}${String(Math.abs(exponent)).padStart(token.digits, "0")}`;
    } else if (!isDigitToken(token)) {
      out += symbol(token, culture);
    }
  }
  return out;
}

function symbol(token: Token, culture: Culture): string {
  switch (token.kind) {
    case "literal": return token.text;
    case "percent": return culture.percent;
    case "permille": return "‰";
    case "comma": case "point": return "";
    default: return "";
  }
}

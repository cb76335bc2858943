// Compares what an example printed on neurite with what it printed on TF.js, line by line.
//
// Deterministic examples: the lines must match exactly, except
//   - column padding: TF.js pads each value to its column's widest (`[[1 , 2],`), and a width changes with
//     the last digit of a value, so spaces before `,` and `]` are dropped on both sides;
//   - numbers: parsed out of both lines and equal within RTOL relative or ATOL absolute (float32 sums in
//     another order differ in the last digits TF.js prints), while the text around them must be identical.
// Nondeterministic examples (random ops, shuffles, timings): every number is masked as <int> or <float>, so
// the structure must match exactly (lines, rows, values per row, brackets, the text around) and so must
// the dtype where the output shows it: `dtype: int32` in `print(true)`, and integer versus decimal values
// (int32 tensors print integers, random float32 values print decimals).

const RTOL = 1e-5;
/** TF.js prints 7 decimals (`parseFloat(x.toFixed(7))`): values near zero agree to that, not relatively. */
const ATOL = 1e-6;

/** A number standing alone (not part of a name like `float32` or `tensor1d`). */
const NUMBER = /(?<![\w.])-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(?![\w.])/gi;

/** Random ops, shuffles, timings and Math.random: what they print changes from run to run. */
const NONDETERMINISTIC =
  /\b(?:randomNormal|randomUniform|randomUniformInt|randomStandardNormal|randomGamma|truncatedNormal|multinomial|dropout|shuffle|shuffleCombo|createShuffledIndices)\(|\btf\.time\(|\butil\.now\(|\bMath\.random\(/;

export function isNondeterministic(code: string): boolean {
  return NONDETERMINISTIC.test(code);
}

/** undefined when the outputs match, else the first differing line, quoted from both sides. */
export function firstDifference(expected: string[], actual: string[], nondeterministic: boolean): string | undefined {
  const want = expected.map(unpad);
  const got = actual.map(unpad);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const same = nondeterministic ? want[i] !== undefined && got[i] !== undefined && mask(want[i]) === mask(got[i]) : linesMatch(want[i], got[i]);
    if (!same) return `line ${i + 1}: TF.js ${quote(expected[i])}, neurite ${quote(actual[i])}`;
  }
  return undefined;
}

function unpad(line: string): string {
  return line.replace(/ +(?=[,\]])/g, '').trimEnd();
}

function mask(line: string): string {
  return line.replace(NUMBER, (n) => (/[.e]/i.test(n) ? '<float>' : '<int>'));
}

function linesMatch(want: string | undefined, got: string | undefined): boolean {
  if (want === undefined || got === undefined) return false;
  if (want === got) return true;
  const wantNumbers = want.match(NUMBER) ?? [];
  const gotNumbers = got.match(NUMBER) ?? [];
  if (want.split(NUMBER).join('#') !== got.split(NUMBER).join('#') || wantNumbers.length !== gotNumbers.length) return false;
  return wantNumbers.every((w, i) => close(Number(w), Number(gotNumbers[i])));
}

function close(a: number, b: number): boolean {
  const diff = Math.abs(a - b);
  return diff <= ATOL || diff <= RTOL * Math.max(Math.abs(a), Math.abs(b));
}

function quote(line: string | undefined): string {
  if (line === undefined) return '(no line)';
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}

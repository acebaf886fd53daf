/**
 * A compact text encoding for a sorted set of numeric postal codes, so India's ~19k PINs ship
 * inside the Lambda bundle as a ~14 KB string instead of a 150 KB array or a network lookup.
 *
 * PINs cluster: 110001, 110002, 110003 … so the set is stored as runs of consecutive codes, each
 * run written as two numbers: the gap from the previous run's last code to this run's first
 * code, and the run's length minus one. Each number is a little-endian base-32 varint over a
 * 64-character alphabet: the first 32 characters end a number, the last 32 say "more digits
 * follow". Most runs then cost two or three characters.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
const FINAL = 32;

function writeNumber(value: number, out: string[]): void {
  let rest = value;
  while (rest >= FINAL) {
    out.push(ALPHABET[FINAL + (rest % FINAL)]!);
    rest = Math.floor(rest / FINAL);
  }
  out.push(ALPHABET[rest]!);
}

/** Encodes a set of non-negative integers; order and duplicates in the input do not matter. */
export function encodePinRuns(codes: Iterable<number>): string {
  const sorted = [...new Set(codes)].sort((a, b) => a - b);
  const out: string[] = [];
  let previous = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end += 1;
    writeNumber(sorted[start]! - previous, out);
    writeNumber(end - start, out);
    previous = sorted[end]!;
    start = end + 1;
  }
  return out.join('');
}

/** Decodes what encodePinRuns wrote; throws on a character outside the alphabet or a cut-off string. */
export function decodePinRuns(encoded: string): Set<number> {
  const numbers: number[] = [];
  let value = 0;
  let scale = 1;
  for (const char of encoded) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new RangeError(`unexpected character "${char}" in encoded postal codes`);
    value += (digit % FINAL) * scale;
    if (digit >= FINAL) {
      scale *= FINAL;
    } else {
      numbers.push(value);
      value = 0;
      scale = 1;
    }
  }
  if (scale !== 1 || numbers.length % 2 !== 0) throw new RangeError('encoded postal codes end in the middle of a run');

  const codes = new Set<number>();
  let previous = 0;
  for (let index = 0; index < numbers.length; index += 2) {
    const first = previous + numbers[index]!;
    const last = first + numbers[index + 1]!;
    for (let code = first; code <= last; code += 1) codes.add(code);
    previous = last;
  }
  return codes;
}

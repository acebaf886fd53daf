import { InvalidEventPatternError } from './pattern-error.ts';

/**
 * Compiles an EventBridge wildcard (`*` is any run of characters, `\*` a literal star, `\\` a
 * literal backslash) into an anchored regular expression. EventBridge refuses `**` because it is
 * ambiguous and expensive, so we do too.
 */
export function compileWildcard(field: string, wildcard: string): RegExp {
  let source = '';
  let previousWasStar = false;
  for (let index = 0; index < wildcard.length; index++) {
    const char = wildcard[index]!;
    if (char === '*') {
      if (previousWasStar) throw new InvalidEventPatternError(field, 'consecutive wildcard characters are not allowed');
      source += '.*';
      previousWasStar = true;
      continue;
    }
    previousWasStar = false;
    if (char === '\\') {
      const escaped = wildcard[index + 1];
      if (escaped !== '*' && escaped !== '\\') {
        throw new InvalidEventPatternError(field, `invalid escape in wildcard "${wildcard}": only \\* and \\\\ are allowed`);
      }
      source += escapeRegExp(escaped);
      index++;
      continue;
    }
    source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

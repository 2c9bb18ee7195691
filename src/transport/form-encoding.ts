/**
 * `application/x-www-form-urlencoded` encoding of one value, as the WHATWG URL standard (and so
 * URLSearchParams) writes it: letters, digits and `*-._` stay, a space becomes `+`, everything else is
 * percent-encoded UTF-8. encodeURIComponent gets there with a few fix-ups and is much faster than
 * building a URLSearchParams per request.
 */

const PLAIN = /^[A-Za-z0-9*._-]*$/;
const FIXUPS = /%20|[!'()~]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function fixup(match: string): string {
  switch (match) {
    case '%20':
      return '+';
    case '!':
      return '%21';
    case "'":
      return '%27';
    case '(':
      return '%28';
    case ')':
      return '%29';
    default:
      return '%7E';
  }
}

export function formEncode(value: string): string {
  if (PLAIN.test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be UTF-8; the standard writes U+FFFD in its place.
    encoded = encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
  return encoded.replace(FIXUPS, fixup);
}

// Java's String.split with a one-character separator, which event-ruler relies on in a few places: when the
// separator does not occur the result is the whole string (even ""), otherwise trailing empty strings are removed
// ("a/".split("/") is ["a"], ".".split("\\.") is []).

export function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `application/json` or a `+json` type (`application/cloudevents+json`), with or without parameters. */
export function isJsonContentType(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

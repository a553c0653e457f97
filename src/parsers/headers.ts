import type { HeaderList } from "../report/model.js";

export function headerValues(headers: HeaderList, name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

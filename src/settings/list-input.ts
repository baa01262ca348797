/** List inputs: one entry a line or comma-separated, blanks ignored. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
}

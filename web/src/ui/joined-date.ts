/** The day someone's account was made, as a person says it: "2 March 2025" (in the reader's locale). */
export function joinedDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString([], { year: 'numeric', month: 'long', day: 'numeric' });
}

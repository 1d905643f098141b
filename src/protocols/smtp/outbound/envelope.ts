/** The (lower-cased) domain of an envelope address. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).toLowerCase();
}

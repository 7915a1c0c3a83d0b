/** Money crosses the API as a JSON number with 2 decimals (api.md §1.1); pg returns numeric as a string. */
export function toMoney(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return Math.round(Number(value) * 100) / 100;
}

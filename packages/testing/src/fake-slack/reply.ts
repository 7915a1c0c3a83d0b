/** What the fake sends back: status, headers, serialized body, plus the unserialized value for the request log. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The string (plain text) or object (JSON) that was sent; recorded as `ReceivedRequest.response`. */
  value: unknown;
}

export function textReply(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
    body: text,
    value: text,
  };
}

export function jsonReply(status: number, value: object, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
    value,
  };
}

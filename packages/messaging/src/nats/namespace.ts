/**
 * Maps contract names onto the broker. With a namespace (tests, parallel runs) every subject gets the prefix
 * `<ns>.` and every stream `<NS>_`, so two runs never see each other's messages.
 */
export class Namespace {
  constructor(readonly prefix: string) {}

  subject(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  /** The contract subject of a namespaced one. */
  stripSubject(subject: string): string {
    return this.prefix && subject.startsWith(`${this.prefix}.`)
      ? subject.slice(this.prefix.length + 1)
      : subject;
  }

  stream(name: string): string {
    return this.prefix ? `${this.prefix.toUpperCase()}_${name}` : name;
  }
}

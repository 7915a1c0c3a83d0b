import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type {
  FakeSmtpStartOptions,
  ReceivedEmail,
  SmtpFailureMode,
  SmtpSessionRecord,
} from './fake-smtp.types';

interface ActiveMode {
  mode: SmtpFailureMode;
  remaining: number | undefined;
}

type SmtpReplyError = Error & { responseCode?: number };

/**
 * A local SMTP server for tests (RFC 5321 over plain TCP, no TLS), built on `smtp-server` and parsing what it
 * gets with `mailparser`. It records every accepted email and the outcome of every session, and can be told to
 * fail the way real servers do: a bounced recipient (550 5.1.1), a temporary 451, a dropped connection, a slow
 * reply. A failure mode applies per session (one email per connection, as the mailer sends).
 */
export class FakeSmtpServer {
  /** Emails the fake accepted, oldest first. */
  readonly received: ReceivedEmail[] = [];
  /** Every session that reached a verdict on a message (or was dropped), oldest first. */
  readonly sessions: SmtpSessionRecord[] = [];

  private modes: ActiveMode[] = [];
  /** The mode each open session drew when it connected. */
  private readonly sessionModes = new Map<string, SmtpFailureMode | undefined>();
  private readonly sockets = new Map<number, Socket>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: FakeSmtpStartOptions = {}): Promise<FakeSmtpServer> {
    // The handlers are wired before the instance exists (the port is known only once the server listens).
    const ref: { fake?: FakeSmtpServer } = {};
    const server = new SMTPServer({
      // Plain SMTP on localhost: no STARTTLS, so clients never try to upgrade.
      disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      logger: false,
      banner: 'fake-smtp ready',
      onAuth: (auth, _session, callback) => {
        const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
        if (ok) callback(null, { user: auth.username });
        else callback(replyError(535, '5.7.8 Authentication credentials invalid'));
      },
      onConnect: (session, callback) => ref.fake!.onConnect(session, callback),
      onMailFrom: (_address, session, callback) => ref.fake!.reply(session, callback),
      onRcptTo: (address, session, callback) => ref.fake!.onRcptTo(address.address, session, callback),
      onData: (stream, session, callback) => ref.fake!.onData(stream, session, callback),
      onClose: (session) => ref.fake?.sessionModes.delete(session.id),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    const fake = new FakeSmtpServer(server, (server.server.address() as AddressInfo).port);
    ref.fake = fake;
    server.server.on('connection', (socket: Socket) => {
      const port = socket.remotePort;
      if (port === undefined) return;
      fake.sockets.set(port, socket);
      socket.once('close', () => fake.sockets.delete(port));
    });
    return fake;
  }

  /** `smtp://127.0.0.1:<port>` (with the credentials when given), for SMTP_URL. */
  url(auth?: { user: string; pass: string }): string {
    const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
    return `smtp://${credentials}127.0.0.1:${this.port}`;
  }

  /** Adds a failure mode; modes apply in the order they were added, each for its `times` sessions. */
  fail(mode: SmtpFailureMode): void {
    if (mode.times !== undefined && (!Number.isInteger(mode.times) || mode.times < 1)) {
      throw new Error(`SmtpFailureMode.times must be a positive integer, got ${mode.times}`);
    }
    this.modes.push({ mode, remaining: mode.times });
  }

  /** Clears every failure mode. */
  heal(): void {
    this.modes = [];
  }

  /** Forgets what was received and clears the failure modes. */
  reset(): void {
    this.received.length = 0;
    this.sessions.length = 0;
    this.heal();
  }

  /** Resolves once at least `count` emails were accepted (rejects after `timeoutMs`). */
  async waitForEmails(count: number, timeoutMs = 10_000): Promise<ReceivedEmail[]> {
    if (this.received.length >= count) return this.received.slice();
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.received.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake SMTP: expected ${count} email(s), got ${this.received.length}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
    return this.received.slice();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.values()) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const mode = this.takeMode();
    this.sessionModes.set(session.id, mode);
    if (mode?.kind === 'drop' && (mode.stage ?? 'connect') === 'connect') {
      this.sessions.push({ at: new Date(), outcome: 'dropped' });
      this.socketOf(session)?.destroy();
      return;
    }
    this.reply(session, callback);
  }

  private onRcptTo(
    address: string,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const mode = this.sessionModes.get(session.id);
    if (mode?.kind === 'reject_recipient') {
      this.sessions.push({ at: new Date(), outcome: '550' });
      return this.reply(
        session,
        callback,
        replyError(550, `5.1.1 <${address}>: Recipient address rejected: User unknown`),
      );
    }
    if (mode?.kind === 'temporary' && mode.stage === 'rcpt') {
      this.sessions.push({ at: new Date(), outcome: '451' });
      return this.reply(session, callback, replyError(451, '4.3.0 Temporary local problem, try again later'));
    }
    this.reply(session, callback);
  }

  private onData(
    stream: NodeJS.ReadableStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const mode = this.sessionModes.get(session.id);
      if (mode?.kind === 'drop') {
        this.sessions.push({ at: new Date(), outcome: 'dropped' });
        this.socketOf(session)?.destroy();
        return;
      }
      if (mode?.kind === 'temporary') {
        this.sessions.push({ at: new Date(), outcome: '451' });
        return this.reply(
          session,
          callback,
          replyError(451, '4.3.0 Temporary local problem, try again later'),
        );
      }
      if (mode?.kind === 'reject_message') {
        const code = mode.code ?? 554;
        this.sessions.push({ at: new Date(), outcome: String(code) });
        return this.reply(session, callback, replyError(code, '5.7.1 Message rejected'));
      }
      void this.record(raw, session).then(
        (id) => {
          this.sessions.push({ at: new Date(), outcome: '250' });
          const accept = () => callback(null, `2.0.0 Ok: queued as ${id}`);
          if (mode?.kind === 'hold_accept') setTimeout(accept, mode.delayMs).unref();
          else this.reply(session, accept);
          for (const waiter of [...this.waiters]) waiter();
        },
        (error: unknown) =>
          this.reply(session, callback, replyError(554, `5.6.0 Unreadable message: ${String(error)}`)),
      );
    });
  }

  private async record(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) {
      const [, value = ''] = /^[^:]*:\s*([\s\S]*)$/.exec(line.line) ?? [];
      headers[line.key] = value.replace(/\r?\n\s+/g, ' ');
    }
    this.received.push({
      at: new Date(),
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
      },
      from: addressesOf(parsed.from)[0] ?? null,
      to: addressesOf(parsed.to),
      subject: parsed.subject ?? null,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      text: parsed.text ?? null,
      messageId: parsed.messageId ?? null,
      headers,
      raw: raw.toString('utf8'),
    });
    return `FAKE${this.received.length}`;
  }

  /** Answers a command, after the session's delay when it is slow. */
  private reply(session: SMTPServerSession, callback: (err?: Error | null) => void, error?: Error): void {
    const mode = this.sessionModes.get(session.id);
    if (mode?.kind === 'slow') setTimeout(() => callback(error ?? null), mode.delayMs);
    else callback(error ?? null);
  }

  private takeMode(): SmtpFailureMode | undefined {
    const active = this.modes[0];
    if (!active) return undefined;
    if (active.remaining !== undefined) {
      active.remaining -= 1;
      if (active.remaining <= 0) this.modes.shift();
    }
    return active.mode;
  }

  private socketOf(session: SMTPServerSession): Socket | undefined {
    return this.sockets.get(session.remotePort);
  }
}

function replyError(code: number, message: string): SmtpReplyError {
  const error: SmtpReplyError = new Error(message);
  error.responseCode = code;
  return error;
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? '')).filter(Boolean);
}

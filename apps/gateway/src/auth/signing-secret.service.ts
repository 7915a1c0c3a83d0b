import { Injectable } from '@nestjs/common';
import { EVENT_SOURCES } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from '@crm/service-kit';
import { GatewayErrors } from '../http/gateway-errors';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { LastUsedRecorder } from './last-used-recorder';
import type { SignedPrincipal } from './principal';
import { signingSecretAad } from './signing-secret-format';
import { parseSignatureHeaders, SignatureError, verifySignature } from './webhook-signature';

/** What signed ingest needs of a request: headers, the exact bytes received, and the parsed body. */
export interface SignedRequestLike {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  body?: unknown;
}

/** A secret that may verify requests of a source, with when it stops (ms; Infinity = until revoked). */
interface Candidate {
  id: string | null;
  name: string;
  allowedSources: string[];
  secret: string;
  validUntil: number;
}

interface CachedCandidates {
  candidates: Candidate[];
  until: number;
}

const KNOWN_SOURCES: ReadonlySet<string> = new Set(EVENT_SOURCES);
const EMPTY_BODY = Buffer.alloc(0);

/**
 * Authenticates signed ingest (api.md §4.2). The secret is chosen by the body's `source`: the signing secrets
 * whose allowed_sources name it (a rotated-out one until its grace period ends); only when no signing secret was
 * ever registered for the source, WEBHOOK_SECRET. Lookups are cached for API_KEY_CACHE_TTL_MS, like API keys,
 * so revocation and rotation reach every gateway within that time.
 */
@Injectable()
export class SigningSecretService {
  private readonly cache = new Map<string, CachedCandidates>();
  private readonly lastUsed: LastUsedRecorder;
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly cipher: SecretCipher,
    private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('signed-ingest');
    this.lastUsed = new LastUsedRecorder(repository, this.log);
  }

  /** The signed principal, or 401 INVALID_SIGNATURE with `details.reason`. */
  async authenticate(request: SignedRequestLike, now = new Date()): Promise<SignedPrincipal> {
    try {
      const signed = parseSignatureHeaders(request.headers);
      const source = sourceOf(request.body);
      const candidates = (await this.candidatesFor(source, now.getTime())).filter(
        (c) => c.validUntil > now.getTime(),
      );
      const index = verifySignature(
        signed,
        request.rawBody ?? EMPTY_BODY,
        candidates.map((c) => c.secret),
        Math.floor(now.getTime() / 1000),
      );
      const match = candidates[index];
      if (match.id) this.lastUsed.note(match.id, now);
      return {
        kind: 'signed',
        secretId: match.id,
        secretName: match.name,
        source: source ?? '',
        allowedSources: match.allowedSources,
        scheme: signed.scheme,
        ...(signed.webhookId !== undefined ? { webhookId: signed.webhookId } : {}),
      };
    } catch (error) {
      if (error instanceof SignatureError) throw GatewayErrors.invalidSignature(error.reason, error.message);
      throw error;
    }
  }

  /** A body without a known source cannot name a registered secret: only WEBHOOK_SECRET may verify it. */
  private async candidatesFor(source: string | undefined, nowMs: number): Promise<Candidate[]> {
    if (source === undefined) return this.fallback();
    const cached = this.cache.get(source);
    if (cached && cached.until > nowMs) return cached.candidates;
    const rows = await this.repository.findSigningSecretsFor(source);
    const candidates = rows.length ? rows.flatMap((row) => this.candidatesOf(row, nowMs)) : this.fallback();
    if (this.config.API_KEY_CACHE_TTL_MS > 0) {
      this.cache.set(source, { candidates, until: nowMs + this.config.API_KEY_CACHE_TTL_MS });
    }
    return candidates;
  }

  private candidatesOf(row: ApiKeyEntity, nowMs: number): Candidate[] {
    if (!row.isActive || (row.expiresAt && row.expiresAt.getTime() <= nowMs)) return [];
    const expiry = row.expiresAt?.getTime() ?? Infinity;
    const of = (ciphertext: string | null, validUntil: number): Candidate[] => {
      const secret = ciphertext === null ? undefined : this.decrypt(row.id, ciphertext);
      return secret === undefined
        ? []
        : [{ id: row.id, name: row.name, allowedSources: row.allowedSources, secret, validUntil }];
    };
    const graceEnd = row.previousValidUntil?.getTime() ?? 0;
    return [
      ...of(row.secretCiphertext, expiry),
      ...(graceEnd > nowMs ? of(row.previousSecretCiphertext, Math.min(graceEnd, expiry)) : []),
    ];
  }

  private decrypt(id: string, ciphertext: string): string | undefined {
    try {
      return this.cipher.decrypt(ciphertext, signingSecretAad(id));
    } catch (error) {
      // Another ENCRYPTION_KEY than the one the secret was stored under, or an altered row: it cannot verify.
      this.log.error({ err: error, key_id: id }, 'a signing secret could not be decrypted');
      return undefined;
    }
  }

  private fallback(): Candidate[] {
    const secret = this.config.webhookSecret();
    return secret === undefined
      ? []
      : [{ id: null, name: 'WEBHOOK_SECRET', allowedSources: ['*'], secret, validUntil: Infinity }];
  }
}

function sourceOf(body: unknown): string | undefined {
  const source = (body as { source?: unknown } | null | undefined)?.source;
  return typeof source === 'string' && KNOWN_SOURCES.has(source) ? source : undefined;
}

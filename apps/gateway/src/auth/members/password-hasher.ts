import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** One-way password hashing; the only code that knows the algorithm. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  /** false for a null hash (unknown account), after the same work as a real check. */
  abstract verify(hash: string | null, password: string): Promise<boolean>;
}

/** argon2id with the library's defaults (OWASP-level memory and time cost). */
@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  /** Verified against when an email is unknown, so both failures cost the same time. */
  private readonly decoy = argon2.hash('decoy password that matches nothing');

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    const stored = hash ?? (await this.decoy);
    const matches = await argon2.verify(stored, password).catch(() => false);
    return hash !== null && matches;
  }
}

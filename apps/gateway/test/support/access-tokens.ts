import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';

/** Signs user access tokens as the gateway issues them (api.md §1.2), for a member that only the token names. */
export class AccessTokens {
  private readonly jwt: JwtService;

  constructor(secret: string) {
    this.jwt = new JwtService({ secret });
  }

  /** `Authorization` header of a fresh member (or the given one) with this role. */
  bearer(role = 'bdr', member = { id: randomUUID(), email: `m.${randomUUID().slice(0, 8)}@dna-me.example` }) {
    const token = this.jwt.sign(
      { sub: member.id, id: member.id, email: member.email, role, typ: 'access', jti: randomUUID() },
      { expiresIn: 3600 },
    );
    return { authorization: `Bearer ${token}` };
  }
}

import { Injectable } from '@nestjs/common';
import { SecretCipher } from '@crm/service-kit';
import { newSigningSecret } from '../deliveries/sender/webhook-signature';
import type { SubscriptionEntity } from './subscription.entity';

/** api.md §16: after a rotation the previous secret keeps signing for 24 h. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A subscription's signing secrets: made here, stored only encrypted (bound to the subscription id). */
@Injectable()
export class SubscriptionSecrets {
  constructor(private readonly cipher: SecretCipher) {}

  /** Gives the subscription a new secret and returns it in clear (shown once). */
  issue(subscription: SubscriptionEntity): string {
    const secret = newSigningSecret();
    subscription.secret_ciphertext = this.cipher.encrypt(secret, subscription.id);
    return secret;
  }

  /** A new secret; the current one becomes the previous one and keeps signing until the returned time. */
  rotate(subscription: SubscriptionEntity, now: Date): { secret: string; previousExpiresAt: Date } {
    const previous = subscription.secret_ciphertext;
    const secret = this.issue(subscription);
    subscription.previous_secret_ciphertext = previous;
    subscription.previous_secret_expires_at = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    return { secret, previousExpiresAt: subscription.previous_secret_expires_at };
  }

  /** The secrets that sign a request sent at `now`: the current one, and the previous one within its 24 h. */
  signingSecrets(subscription: SubscriptionEntity, now: Date): string[] {
    const secrets = [this.cipher.decrypt(subscription.secret_ciphertext, subscription.id)];
    const expiresAt = subscription.previous_secret_expires_at;
    if (subscription.previous_secret_ciphertext && expiresAt && expiresAt.getTime() > now.getTime()) {
      secrets.push(this.cipher.decrypt(subscription.previous_secret_ciphertext, subscription.id));
    }
    return secrets;
  }
}

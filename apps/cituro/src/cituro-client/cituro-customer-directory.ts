import type { CituroClient, CituroCustomer, CituroCustomerInput } from './cituro-client';
import type { CituroRetryPolicy } from './cituro-retry-policy';

/**
 * Finds or makes the Cituro customer of an email. Every attempt looks the email up before it writes, so a
 * retry after a create whose answer was lost finds that customer instead of making a second one; the write
 * itself is Cituro's upsert by email (`key=email`), which cannot duplicate either.
 */
export class CituroCustomerDirectory {
  constructor(
    private readonly client: CituroClient,
    private readonly retries: CituroRetryPolicy,
  ) {}

  ensureCustomer(input: CituroCustomerInput): Promise<{ customer: CituroCustomer; created: boolean }> {
    return this.retries.run(async () => {
      const existing = await this.client.findCustomerByEmail(input.email);
      if (existing) return { customer: existing, created: false };
      return { customer: await this.client.upsertCustomer(input), created: true };
    });
  }

  getCustomer(id: string): Promise<CituroCustomer | null> {
    return this.retries.run(() => this.client.getCustomer(id));
  }
}

import { randomBytes } from 'node:crypto';
import type { CituroCustomer, CituroService } from './fake-cituro.types';

/** Cituro ids: 32 lowercase hex characters (a UUID without dashes), external-apis.md §2.2. */
export function cituroId(): string {
  return randomBytes(16).toString('hex');
}

export interface CustomerFields {
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  mobilePhone?: unknown;
}

export interface CituroAppointment {
  id: string;
  startDate: string;
  booking: { customerId: string };
  items: { serviceId: string; duration?: number }[];
}

export interface CituroWebhookRegistration {
  id: string;
  name: string;
  endpoint: string;
  active: boolean;
  eventTypes: string[];
  secret: string;
}

/** The account's data as the fake holds it. */
export class CituroStore {
  readonly customers: CituroCustomer[] = [];
  readonly services: CituroService[] = [{ id: cituroId(), name: 'Erstgespräch', duration: 30 }];
  readonly appointments: CituroAppointment[] = [];
  readonly webhooks: CituroWebhookRegistration[] = [];

  clear(): void {
    this.customers.length = 0;
    this.appointments.length = 0;
    this.webhooks.length = 0;
  }

  findCustomers(filter: { email?: string; lastName?: string; search?: string }): CituroCustomer[] {
    return this.customers.filter(
      (c) =>
        (filter.email === undefined || sameEmail(c.email, filter.email)) &&
        (filter.lastName === undefined || c.lastName === filter.lastName) &&
        (filter.search === undefined ||
          [c.firstName, c.lastName, c.email].some((v) =>
            v?.toLowerCase().includes(filter.search!.toLowerCase()),
          )),
    );
  }

  createCustomer(fields: CustomerFields): CituroCustomer {
    const now = new Date().toISOString();
    const customer: CituroCustomer = {
      id: cituroId(),
      firstName: null,
      lastName: null,
      email: null,
      mobilePhone: null,
      createdAt: now,
      updatedAt: now,
    };
    applyFields(customer, fields);
    this.customers.push(customer);
    return customer;
  }

  /** `POST /customers?key=email`: updates the customer with that email, else creates one. */
  upsertCustomerByEmail(fields: CustomerFields): { customer: CituroCustomer; created: boolean } {
    const existing = this.customers.find((c) => sameEmail(c.email, String(fields.email)));
    if (!existing) return { customer: this.createCustomer(fields), created: true };
    applyFields(existing, fields);
    existing.updatedAt = new Date().toISOString();
    return { customer: existing, created: false };
  }
}

function applyFields(customer: CituroCustomer, fields: CustomerFields): void {
  for (const key of ['firstName', 'lastName', 'email', 'mobilePhone'] as const) {
    if (typeof fields[key] === 'string') customer[key] = fields[key];
  }
}

function sameEmail(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}

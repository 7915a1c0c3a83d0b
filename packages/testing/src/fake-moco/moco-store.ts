import type { MocoEntity, MocoResource } from './fake-moco.types';

/** What a create/update yields: the entity, or MOCO's error answer. */
export type StoreResult =
  { ok: true; entity: MocoEntity } | { ok: false; status: 400 | 404 | 422; body: Record<string, unknown> };

type Body = Record<string, unknown>;

export const FAKE_MOCO_USERS = [
  { id: 933590696, firstname: 'Anna', lastname: 'Admin', active: true },
  { id: 933590697, firstname: 'Ben', lastname: 'Sales', active: true },
  { id: 933590698, firstname: 'Carl', lastname: 'Former', active: false },
] as const;

export const FAKE_MOCO_DEAL_CATEGORIES = [
  { id: 7001, name: 'Contact', probability: 10 },
  { id: 7002, name: 'Qualified', probability: 50 },
  { id: 7003, name: 'Negotiation', probability: 80 },
] as const;

export const DEAL_STATUSES = ['potential', 'pending', 'won', 'lost', 'dropped'] as const;
const COMPANY_TYPES = ['customer', 'supplier', 'organization'];
const GENDERS = ['F', 'M', 'U'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const FIRST_ID: Record<MocoResource, number> = {
  companies: 760000001,
  people: 770000001,
  deals: 780000001,
  offers: 790000001,
  projects: 800000001,
  invoices: 810000001,
};

const blank = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

const isDate = (v: unknown): boolean => typeof v === 'string' && DATE.test(v);

const lastOfMonth = (date: string): boolean => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.getUTCDate() === 1;
};

function userOf(id: unknown) {
  const user = FAKE_MOCO_USERS.find((u) => u.id === Number(id));
  return user && { id: user.id, firstname: user.firstname, lastname: user.lastname };
}

function itemsTotal(items: unknown): number {
  if (!Array.isArray(items)) return 0;
  return items.reduce<number>((sum, item: Body) => {
    if (item?.type !== 'item' && item?.type !== undefined) return sum;
    const net = item.net_total ?? Number(item.quantity ?? 0) * Number(item.unit_price ?? 0);
    return sum + Number(net || 0);
  }, 0);
}

/**
 * The fake account's records, with MOCO's mandatory-field checks (external-apis.md 1.4, fields marked `*`) and its
 * list filters (1.2, 1.4). Validation answers use MOCO's shapes: `422 {"errors":[…]}`, `400 {"error":…}`.
 */
export class MocoStore {
  private readonly records: Record<MocoResource, Map<number, MocoEntity>> = {
    companies: new Map(),
    people: new Map(),
    deals: new Map(),
    offers: new Map(),
    projects: new Map(),
    invoices: new Map(),
  };
  private readonly nextId = { ...FIRST_ID };

  constructor(
    private readonly customFields: () => Partial<Record<MocoResource, string[]>>,
    private readonly manualNumberRanges: () => boolean,
  ) {}

  all(resource: MocoResource): MocoEntity[] {
    return [...this.records[resource].values()];
  }

  get(resource: MocoResource, id: number): MocoEntity | undefined {
    return this.records[resource].get(id);
  }

  clear(): void {
    for (const map of Object.values(this.records)) map.clear();
    Object.assign(this.nextId, FIRST_ID);
  }

  /** Stores a record as given (no validation), e.g. to seed an account for lookups. */
  insert(resource: MocoResource, fields: Body): MocoEntity {
    const now = new Date().toISOString();
    const id = this.nextId[resource]++;
    const entity: MocoEntity = { ...fields, id, created_at: now, updated_at: now };
    this.records[resource].set(id, entity);
    return entity;
  }

  /** Applies a change as MOCO would after an edit in its UI (bumps `updated_at`). */
  patch(resource: MocoResource, id: number, fields: Body): MocoEntity | undefined {
    const entity = this.records[resource].get(id);
    if (!entity) return undefined;
    const updated_at = new Date(Math.max(Date.now(), Date.parse(entity.updated_at) + 1)).toISOString();
    Object.assign(entity, fields, { updated_at });
    return entity;
  }

  create(resource: MocoResource, body: Body): StoreResult {
    const errors = this.missing(resource, body);
    if ('status' in errors) return errors.status;
    if (errors.list.length > 0) return { ok: false, status: 422, body: { errors: errors.list } };
    return { ok: true, entity: this.insert(resource, this.shape(resource, body)) };
  }

  update(resource: MocoResource, id: number, body: Body): StoreResult {
    const entity = this.records[resource].get(id);
    if (!entity) return { ok: false, status: 404, body: { message: 'Not found' } };
    if (resource === 'deals' && body.status !== undefined && !DEAL_STATUSES.includes(body.status as never)) {
      return { ok: false, status: 400, body: { error: `'${String(body.status)}' is not a valid status` } };
    }
    const merged = this.shape(resource, { ...this.unshape(entity), ...body }, entity);
    return { ok: true, entity: this.patch(resource, id, merged) as MocoEntity };
  }

  /** MOCO list filters: global ones (`ids`, `updated_after`, `custom_properties[…]`) plus the resource's own. */
  list(resource: MocoResource, query: URLSearchParams): MocoEntity[] {
    let rows = this.all(resource);
    const ids = query.get('ids');
    if (ids) {
      const wanted = new Set(ids.split(',').map(Number));
      rows = rows.filter((r) => wanted.has(r.id));
    }
    const updatedAfter = query.get('updated_after');
    if (updatedAfter) rows = rows.filter((r) => Date.parse(r.updated_at) > Date.parse(updatedAfter));
    rows = this.filterCustomProperties(resource, rows, query);

    const eq = (param: string, field: (r: MocoEntity) => unknown): void => {
      const value = query.get(param);
      if (value !== null && value !== '') rows = rows.filter((r) => String(field(r)) === value);
    };
    const inList = (param: string, field: (r: MocoEntity) => unknown): void => {
      const value = query.get(param);
      if (value) rows = rows.filter((r) => value.split(',').includes(String(field(r))));
    };
    const term = (query.get('term') ?? '').trim().toLowerCase();
    const matchesTerm = (...fields: unknown[]): boolean =>
      fields.some((f) => typeof f === 'string' && f.toLowerCase().includes(term));
    const tags = query.get('tags');
    if (tags) {
      const wanted = tags.split(',').map((t) => t.trim());
      rows = rows.filter(
        (r) => Array.isArray(r.tags) && wanted.every((t) => (r.tags as string[]).includes(t)),
      );
    }

    switch (resource) {
      case 'companies':
        eq('type', (r) => r.type);
        eq('identifier', (r) => r.identifier);
        if (term) rows = rows.filter((r) => matchesTerm(r.name, r.identifier, r.email));
        if (query.get('include_archived') !== 'true') rows = rows.filter((r) => !r.archived_on);
        break;
      case 'people':
        if (term) {
          rows = rows.filter((r) =>
            matchesTerm(r.lastname, r.firstname, r.work_email, (r.company as Body | null)?.name),
          );
        }
        eq('phone', (r) => r.work_phone ?? r.mobile_phone);
        break;
      case 'deals':
        eq('status', (r) => r.status);
        eq('company_id', (r) => (r.company as Body | null)?.id);
        break;
      case 'offers':
        eq('deal_id', (r) => (r.deal as Body | null)?.id);
        eq('company_id', (r) => (r.company as Body | null)?.id);
        eq('project_id', (r) => (r.project as Body | null)?.id);
        eq('status', (r) => r.status);
        eq('identifier', (r) => r.identifier);
        break;
      case 'projects':
        eq('company_id', (r) => (r.customer as Body | null)?.id);
        eq('deal_id', (r) => (r.deal as Body | null)?.id);
        eq('identifier', (r) => r.identifier);
        eq('leader_id', (r) => (r.leader as Body | null)?.id);
        if (term) rows = rows.filter((r) => matchesTerm(r.name, r.identifier));
        break;
      case 'invoices':
        inList('status', (r) => r.status);
        eq('identifier', (r) => r.identifier);
        eq('company_id', (r) => r.customer_id);
        eq('project_id', (r) => r.project_id);
        if (term) rows = rows.filter((r) => matchesTerm(r.title, r.identifier));
        break;
    }
    return sortBy(rows, query.get('sort_by'));
  }

  /**
   * `custom_properties[Name]=v` (or `[Name][]=a&…` for multi-select). An unknown field yields an empty list; on
   * companies the filter only works together with `type` and is otherwise ignored (external-apis.md 1.2, 1.4).
   */
  private filterCustomProperties(
    resource: MocoResource,
    rows: MocoEntity[],
    query: URLSearchParams,
  ): MocoEntity[] {
    const wanted = new Map<string, string[]>();
    for (const [key, value] of query) {
      const match = /^custom_properties\[([^\]]+)\](\[\])?$/.exec(key);
      if (match) wanted.set(match[1], [...(wanted.get(match[1]) ?? []), value]);
    }
    if (wanted.size === 0) return rows;
    if (resource === 'companies' && !query.get('type')) return rows;
    const defined = this.customFields()[resource] ?? [];
    for (const [field, values] of wanted) {
      if (!defined.includes(field)) return [];
      rows = rows.filter((r) => {
        const stored = (r.custom_properties as Body | undefined)?.[field];
        const have = Array.isArray(stored) ? stored.map(String) : [String(stored ?? '')];
        return values.every((v) => have.includes(v));
      });
    }
    return rows;
  }

  /** The mandatory-field errors of a create, or an early 400 for a bad deal status. */
  private missing(
    resource: MocoResource,
    body: Body,
  ): { list: string[] } | { status: Extract<StoreResult, { ok: false }> } {
    const list: string[] = [];
    const need = (field: string, label = field): void => {
      if (blank(body[field])) list.push(`${label} can't be blank`);
    };
    const date = (field: string): void => {
      if (!blank(body[field]) && !isDate(body[field])) list.push(`${field} is not a valid date`);
    };
    const user = (field: string): void => {
      if (!blank(body[field]) && !userOf(body[field])) list.push(`${field} is not an active user`);
    };
    const exists = (field: string, target: MocoResource): void => {
      if (!blank(body[field]) && !this.records[target].has(Number(body[field])))
        list.push(`${field} must exist`);
    };
    switch (resource) {
      case 'companies':
        need('name', 'Name');
        need('type', 'Type');
        if (!blank(body.type) && !COMPANY_TYPES.includes(String(body.type)))
          list.push('Type is not included in the list');
        if (body.type === 'customer') {
          need('currency', 'Currency');
          if (this.manualNumberRanges()) need('identifier', 'Identifier');
        }
        break;
      case 'people':
        need('lastname', 'Lastname');
        need('gender', 'Gender');
        if (!blank(body.gender) && !GENDERS.includes(String(body.gender)))
          list.push('Gender is not included in the list');
        exists('company_id', 'companies');
        user('user_id');
        break;
      case 'deals': {
        if (body.status !== undefined && !DEAL_STATUSES.includes(body.status as never)) {
          return {
            status: {
              ok: false,
              status: 400,
              body: { error: `'${String(body.status)}' is not a valid status` },
            },
          };
        }
        for (const f of ['name', 'currency', 'money', 'reminder_date', 'user_id', 'deal_category_id'])
          need(f);
        if (!blank(body.money) && typeof body.money !== 'number') list.push('money is not a number');
        date('reminder_date');
        user('user_id');
        if (
          !blank(body.deal_category_id) &&
          !FAKE_MOCO_DEAL_CATEGORIES.some((c) => c.id === Number(body.deal_category_id))
        ) {
          list.push('deal_category_id must exist');
        }
        exists(body.company_id !== undefined ? 'company_id' : 'customer_id', 'companies');
        exists('person_id', 'people');
        if (isDate(body.service_period_from) && !String(body.service_period_from).endsWith('-01')) {
          list.push('service_period_from must be the first day of a month');
        }
        if (isDate(body.service_period_to) && !lastOfMonth(String(body.service_period_to))) {
          list.push('service_period_to must be the last day of a month');
        }
        break;
      }
      case 'offers':
        for (const f of ['recipient_address', 'date', 'due_date', 'title', 'items']) need(f);
        if (blank(body.tax) && blank(body.vat_code_id)) list.push("tax can't be blank");
        if (blank(body.company_id) && blank(body.deal_id) && blank(body.project_id)) need('currency');
        date('date');
        date('due_date');
        exists('company_id', 'companies');
        exists('deal_id', 'deals');
        exists('project_id', 'projects');
        break;
      case 'projects': {
        for (const f of ['name', 'currency', 'start_date', 'finish_date', 'leader_id']) need(f);
        for (const f of ['fixed_price', 'retainer']) {
          if (typeof body[f] !== 'boolean') list.push(`${f} can't be blank`);
        }
        const customer = body.company_id ?? body.customer_id;
        if (blank(customer)) list.push("customer can't be blank");
        else if (!this.records.companies.has(Number(customer))) list.push('customer must exist');
        if (this.manualNumberRanges()) need('identifier');
        user('leader_id');
        exists('deal_id', 'deals');
        if (body.retainer === true) {
          need('budget_monthly');
          if (isDate(body.start_date) && !String(body.start_date).endsWith('-01')) {
            list.push('start_date must be the first day of a month');
          }
          if (isDate(body.finish_date) && !lastOfMonth(String(body.finish_date))) {
            list.push('finish_date must be the last day of a month');
          }
        }
        break;
      }
      case 'invoices':
        for (const f of [
          'customer_id',
          'recipient_address',
          'date',
          'due_date',
          'title',
          'currency',
          'items',
        ])
          need(f);
        if (blank(body.tax) && blank(body.vat_code_id)) list.push("tax can't be blank");
        if (!blank(body.status) && !['created', 'draft'].includes(String(body.status))) {
          list.push('status is not included in the list');
        }
        exists('customer_id', 'companies');
        exists('project_id', 'projects');
        exists('offer_id', 'offers');
        break;
    }
    return { list };
  }

  /** The stored (response) shape of a resource from request fields. */
  private shape(resource: MocoResource, body: Body, existing?: MocoEntity): Body {
    const defined = this.customFields()[resource] ?? [];
    // Undefined custom fields are dropped; updates merge into the stored ones (external-apis.md 1.5).
    const custom_properties = Object.fromEntries(
      Object.entries({
        ...((existing?.custom_properties as Body) ?? {}),
        ...((body.custom_properties as Body) ?? {}),
      }).filter(([k]) => defined.includes(k)),
    );
    const tags = (body.tags ?? body.labels ?? []) as unknown[];
    const company = (id: unknown) => {
      const c = blank(id) ? undefined : this.records.companies.get(Number(id));
      return c ? { id: c.id, name: c.name, type: c.type } : null;
    };
    const ref = (target: MocoResource, id: unknown, name = 'name') => {
      const r = blank(id) ? undefined : this.records[target].get(Number(id));
      return r ? { id: r.id, [name]: r[name] } : null;
    };
    const count = this.records[resource].size + 1;
    switch (resource) {
      case 'companies':
        return {
          type: body.type,
          identifier: body.identifier ?? existing?.identifier ?? `K${String(count).padStart(4, '0')}`,
          name: body.name,
          website: body.website ?? '',
          email: body.email ?? '',
          phone: body.phone ?? '',
          fax: body.fax ?? '',
          address: body.address ?? '',
          country_code: body.country_code ?? null,
          vat_identifier: body.vat_identifier ?? '',
          tags,
          user: userOf(body.user_id) ?? null,
          info: body.info ?? '',
          custom_properties,
          currency: body.currency ?? null,
          projects: existing?.projects ?? [],
          active: true,
          archived_on: existing?.archived_on ?? null,
          debit_number: body.debit_number ?? null,
        };
      case 'people':
        return {
          gender: body.gender,
          firstname: body.firstname ?? '',
          lastname: body.lastname,
          title: body.title ?? '',
          job_position: body.job_position ?? '',
          mobile_phone: body.mobile_phone ?? '',
          work_phone: body.work_phone ?? '',
          work_fax: body.work_fax ?? '',
          work_email: body.work_email ?? '',
          work_address: body.work_address ?? '',
          home_email: body.home_email ?? '',
          home_address: body.home_address ?? '',
          birthday: body.birthday ?? null,
          info: body.info ?? '',
          tags,
          custom_properties,
          company: company(body.company_id),
        };
      case 'deals': {
        const category = FAKE_MOCO_DEAL_CATEGORIES.find((c) => c.id === Number(body.deal_category_id));
        const person = blank(body.person_id) ? undefined : this.records.people.get(Number(body.person_id));
        return {
          name: body.name,
          status: body.status ?? 'pending',
          reminder_date: body.reminder_date,
          closed_on: body.closed_on ?? null,
          money: body.money,
          currency: body.currency,
          info: body.info ?? '',
          custom_properties,
          tags,
          user: userOf(body.user_id),
          company: company(body.company_id ?? body.customer_id),
          person: person
            ? { id: person.id, name: `${String(person.firstname)} ${String(person.lastname)}`.trim() }
            : null,
          category: category ? { ...category } : null,
          service_period_from: body.service_period_from ?? null,
          service_period_to: body.service_period_to ?? null,
          inbox_email_address: `deal-${count}@fake.mocoapp.com`,
        };
      }
      case 'offers': {
        const net = itemsTotal(body.items);
        const tax = Number(body.tax ?? 0);
        return {
          identifier: existing?.identifier ?? `A${String(count).padStart(4, '0')}`,
          date: body.date,
          due_date: body.due_date,
          title: body.title,
          recipient_address: body.recipient_address,
          currency: body.currency ?? 'EUR',
          net_total: net,
          tax,
          gross_total: Math.round(net * (100 + tax)) / 100,
          discount: body.discount ?? 0,
          status: body.status ?? 'created',
          salutation: body.salutation ?? '',
          footer: body.footer ?? '',
          items: body.items,
          tags,
          custom_properties,
          company: company(body.company_id),
          deal: ref('deals', body.deal_id),
          project: ref('projects', body.project_id),
        };
      }
      case 'projects':
        return {
          identifier: body.identifier ?? existing?.identifier ?? `P${String(count).padStart(4, '0')}`,
          name: body.name,
          active: true,
          billable: true,
          fixed_price: body.fixed_price,
          retainer: body.retainer,
          start_date: body.start_date,
          finish_date: body.finish_date,
          currency: existing?.currency ?? body.currency,
          billing_variant: body.billing_variant ?? 'project',
          budget: body.budget ?? null,
          budget_monthly: body.budget_monthly ?? null,
          hourly_rate: body.hourly_rate ?? null,
          info: body.info ?? '',
          tags,
          custom_properties,
          leader: userOf(body.leader_id),
          customer: company(body.company_id ?? body.customer_id),
          deal: ref('deals', body.deal_id),
        };
      case 'invoices': {
        const net = itemsTotal(body.items);
        const tax = Number(body.tax ?? 0);
        return {
          customer_id: Number(body.customer_id),
          project_id: blank(body.project_id) ? null : Number(body.project_id),
          offer_id: blank(body.offer_id) ? null : Number(body.offer_id),
          identifier: existing?.identifier ?? `R${String(count).padStart(4, '0')}`,
          date: body.date,
          due_date: body.due_date,
          status: body.status ?? 'created',
          title: body.title,
          recipient_address: body.recipient_address,
          currency: body.currency,
          net_total: net,
          tax,
          gross_total: Math.round(net * (100 + tax)) / 100,
          reversed: false,
          items: body.items,
          tags,
          custom_properties,
        };
      }
    }
  }

  /** Request fields back from a stored entity, so an update can merge into it. */
  private unshape(entity: MocoEntity): Body {
    const idOf = (v: unknown): unknown => (v && typeof v === 'object' ? (v as Body).id : undefined);
    return {
      ...entity,
      company_id: idOf(entity.company) ?? idOf(entity.customer),
      deal_id: idOf(entity.deal),
      project_id: entity.project_id ?? idOf(entity.project),
      person_id: idOf(entity.person),
      user_id: idOf(entity.user),
      leader_id: idOf(entity.leader),
      deal_category_id: idOf(entity.category),
    };
  }
}

/** `sort_by=<field> [asc|desc]` (external-apis.md 1.2); default order is by id. */
function sortBy(rows: MocoEntity[], sort: string | null): MocoEntity[] {
  if (!sort) return rows;
  const [field, direction = 'asc'] = sort.trim().split(/\s+/);
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[field] as string | number | null | undefined;
    const y = b[field] as string | number | null | undefined;
    if (x === y) return 0;
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

import { MocoConfig } from '../config/moco.config';
import { MocoApi, MocoApiError, type MocoConnection, type MocoRecord } from '../moco-client/moco-api';
import type { MappingRepository } from './mapping.repository';
import { MocoRecordsService } from './moco-records.service';

const conn: MocoConnection = { baseUrl: 'https://acme.mocoapp.com/api/v1', apiKey: 'k' };
const lead = {
  id: '7d3f2f4e-9d6c-4a53-8d7e-3f6f1f1f9a01',
  email: 'jane@acme.test',
  first_name: 'Jane',
  last_name: 'Doe',
  phone: null,
  job_title: null,
};

/** The repository and the MOCO API as plain fakes: this is about the order of lookups and creates. */
function setup(options: { mapped?: number; found?: MocoRecord[]; create?: () => Promise<MocoRecord> } = {}) {
  const mappings = {
    lock: jest.fn().mockResolvedValue(undefined),
    find: jest.fn().mockResolvedValue(options.mapped ?? null),
    save: jest.fn().mockResolvedValue(undefined),
  };
  const api = {
    list: jest.fn().mockResolvedValue(options.found ?? []),
    create: jest.fn(options.create ?? (() => Promise.resolve({ id: 99 }))),
  };
  const service = new MocoRecordsService(
    api as unknown as MocoApi,
    mappings as unknown as MappingRepository,
    Object.assign(new MocoConfig(), { MOCO_CRM_ID_FIELD: 'CRM-ID' }),
  );
  return { service, api, mappings };
}

describe('MocoRecordsService: one MOCO record per CRM entity', () => {
  it('answers from the stored mapping without calling MOCO', async () => {
    const { service, api } = setup({ mapped: 5 });
    expect(await service.contact(conn, lead, 1, false)).toBe(5);
    expect(api.list).not.toHaveBeenCalled();
    expect(api.create).not.toHaveBeenCalled();
  });

  it('with force, ignores the mapping and looks up by the CRM id first, then creates nothing when found', async () => {
    const { service, api, mappings } = setup({ mapped: 5, found: [{ id: 6 }] });
    expect(await service.contact(conn, lead, 1, true)).toBe(6);
    expect(api.list).toHaveBeenCalledWith(conn, 'contacts/people', { 'custom_properties[CRM-ID]': lead.id });
    expect(api.create).not.toHaveBeenCalled();
    expect(mappings.save).toHaveBeenCalledWith(
      expect.objectContaining({ crmId: lead.id, mocoType: 'contact', mocoId: 6 }),
    );
  });

  it('looks companies up with type=customer, since MOCO filters custom properties only with a type', async () => {
    const { service, api } = setup();
    await service.company(conn, lead, null, 'EUR', false);
    expect(api.list.mock.calls[0]).toEqual([
      conn,
      'companies',
      { type: 'customer', 'custom_properties[CRM-ID]': lead.id },
    ]);
    expect(api.create).toHaveBeenCalledWith(
      conn,
      'companies',
      expect.objectContaining({
        name: 'Jane Doe',
        type: 'customer',
        currency: 'EUR',
        custom_properties: { 'CRM-ID': lead.id },
      }),
    );
  });

  it('looks up again after a create that got no answer, and does not create twice when it is there', async () => {
    const { service, api } = setup({
      create: () => Promise.reject(new MocoApiError('no answer', null, true, 'unknown')),
    });
    api.list
      .mockResolvedValueOnce([])
      .mockResolvedValueOnce([])
      .mockResolvedValueOnce([{ id: 42 }]);
    expect(await service.contact(conn, lead, 1, false)).toBe(42);
    expect(api.create).toHaveBeenCalledTimes(1);
  });

  it('does not repeat a create MOCO refused (422)', async () => {
    const refused = new MocoApiError("MOCO answered 422: Lastname can't be blank", 422, false, 'not_applied');
    const { service, api } = setup({ create: () => Promise.reject(refused) });
    await expect(service.contact(conn, lead, 1, false)).rejects.toBe(refused);
    expect(api.create).toHaveBeenCalledTimes(1);
  });
});

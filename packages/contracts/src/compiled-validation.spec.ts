import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { fastValidatorFor } from './compiled-validation';
import { IngestEventRequest } from './http/ingest-event.request';
import { PayloadClasses } from './messaging/message-types';
import { Subjects } from './messaging/subjects';
import { PageQuery } from './rpc/common';
import { validatePlain } from './validation';

/**
 * The fast path must never accept what class-validator rejects, and must build the same instance. Checked
 * differentially: a valid sample per contract, built from its own metadata, then thousands of mutations of it
 * (missing, null, wrong types, too long, nested damage, unknown keys), each judged by both.
 */

type Plain = Record<string, unknown>;

const UUID = '3f0e4a5c-8a43-4c1e-9d55-2b6f0c7a1e90';
const CANDIDATES: unknown[] = [
  UUID,
  '2026-12-02T10:00:00.000Z',
  'text',
  'EUR',
  'someone@example.com',
  'https://www.linkedin.com/in/someone',
  1,
  0,
  true,
  false,
  { a: 1 },
  {},
  [UUID],
  [],
  null,
];
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'x'.repeat(300),
  42,
  -1,
  1.5,
  Number.NaN,
  true,
  [],
  [null],
  {},
  { nested: { deeper: [1] } },
  UUID,
  '2026-13-45T99:00:00Z',
  '2026-12-02T10:00:00.000Z',
  'someone@example.com',
];

function slowIsValid(cls: ClassConstructor<object>, plain: Plain): boolean {
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  return validateSync(instance, { forbidUnknownValues: false }).length === 0;
}

function slowErrorsOn(cls: ClassConstructor<object>, plain: Plain, property: string): boolean {
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  return validateSync(instance, { forbidUnknownValues: false }).some((e) => e.property === property);
}

function nestedTypeOf(cls: ClassConstructor<object>, property: string): ClassConstructor<object> | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultMetadataStorage } = require('class-transformer/cjs/storage');
  const meta = defaultMetadataStorage.findTypeMetadata(cls, property);
  return meta?.typeFunction();
}

/** Every property filled with the first candidate class-validator accepts for it. */
function validSample(cls: ClassConstructor<object>): Plain {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  const properties = [...new Set(metadatas.map((m) => m.propertyName))];
  const plain: Plain = {};
  for (const property of properties) {
    const allowed = metadatas
      .filter((m) => m.propertyName === property && m.name === 'isIn')
      .flatMap((m) => m.constraints[0] as unknown[]);
    const nested = nestedTypeOf(cls, property);
    const candidates = nested ? [validSample(nested), [validSample(nested)]] : [...allowed, ...CANDIDATES];
    const found = candidates.find(
      (candidate) => !slowErrorsOn(cls, { ...plain, [property]: candidate }, property),
    );
    if (found === undefined) throw new Error(`no valid sample value for ${cls.name}.${property}`);
    plain[property] = found;
  }
  if (!slowIsValid(cls, plain)) throw new Error(`sample of ${cls.name} is not valid`);
  return plain;
}

/** Deterministic, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function mutations(sample: Plain, count: number, seed: number): Plain[] {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const results: Plain[] = [];
  // Every key set to every odd value, one at a time, top level and one level down.
  for (const key of Object.keys(sample)) {
    for (const value of ODD_VALUES) results.push({ ...sample, [key]: value });
    const withoutKey = { ...sample };
    delete withoutKey[key];
    results.push(withoutKey);
    const nested = sample[key];
    if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
      for (const inner of Object.keys(nested)) {
        for (const value of ODD_VALUES) results.push({ ...sample, [key]: { ...nested, [inner]: value } });
      }
    }
  }
  // Random combinations of two or three changes, and unknown keys.
  for (let i = 0; i < count; i++) {
    const mutated: Plain = structuredClone(sample);
    const changes = 2 + Math.floor(next() * 2);
    for (let c = 0; c < changes; c++) {
      const key = next() < 0.1 ? `unknown_${c}` : pick(Object.keys(sample));
      mutated[key] = pick(ODD_VALUES);
    }
    results.push(mutated);
  }
  return results;
}

describe('fast contract validation (compiled from class-validator metadata)', () => {
  const contracts = Object.entries(PayloadClasses).map(([subject, cls]) => [subject, cls] as const);

  it.each(contracts)('%s compiles to a fast validator', (_subject, cls) => {
    expect(fastValidatorFor(cls)).not.toBeNull();
  });

  it.each(contracts)(
    '%s: the fast path agrees with class-validator on every mutation',
    (_subject, cls) => {
      const fast = fastValidatorFor(cls)!;
      const sample = validSample(cls);
      const disagreements: string[] = [];
      let acceptedByBoth = 0;
      for (const plain of [sample, ...mutations(sample, 500, 7)]) {
        const slow = slowIsValid(cls, plain);
        const instance = fast(structuredClone(plain));
        if ((instance !== undefined) !== slow) {
          // The fast path may decline (the slow path then answers); it must never accept what is invalid.
          if (instance !== undefined) disagreements.push(JSON.stringify(plain));
          continue;
        }
        if (instance) {
          acceptedByBoth++;
          const reference = plainToInstance(cls, plain, { enableImplicitConversion: false });
          expect(instance).toBeInstanceOf(cls);
          expect(instance).toEqual(reference);
        }
      }
      expect(disagreements).toEqual([]);
      expect(acceptedByBoth).toBeGreaterThan(1);
    },
    30_000,
  ); // class-validator, the reference, is the slow part

  it('declines nothing valid on the hot path: the sample takes the fast path', () => {
    for (const [, cls] of contracts) {
      expect(fastValidatorFor(cls)!(validSample(cls))).toBeInstanceOf(cls);
    }
  });

  it('leaves contracts with @Transform to class-validator, whose conversions it does not model', () => {
    expect(fastValidatorFor(PageQuery)).toBeNull();
    const checked = validatePlain(PageQuery, { page: '2' });
    expect(checked).toEqual({ ok: true, value: expect.objectContaining({ page: 2 }) });
  });

  it('never lets a JSON "__proto__" key replace the prototype', () => {
    const cls = PayloadClasses[Subjects.LeadScored];
    const plain = JSON.parse(
      `{"__proto__": {"polluted": true}, ${JSON.stringify(validSample(cls)).slice(1)}`,
    );
    expect(fastValidatorFor(cls)!(plain)).toBeUndefined();
    const checked = validatePlain(cls, plain);
    expect(checked.ok && Object.getPrototypeOf(checked.value)).toBe(cls.prototype);
  });

  it('reports problems with class-validator messages (the fast path only ever accepts)', () => {
    const checked = validatePlain(IngestEventRequest, { event_type: 42 });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'event_type', code: 'isString' })]),
    );
  });
});

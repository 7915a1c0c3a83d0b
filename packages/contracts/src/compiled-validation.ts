/* eslint-disable @typescript-eslint/no-unsafe-function-type -- both libraries key their metadata by constructor, typed `Function` */
import type { ClassConstructor } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

/** The parts of class-transformer's metadata storage read here (the package exports no types for it). */
interface TransformerStorage {
  _transformMetadatas: Map<Function, unknown>;
  _typeMetadatas: Map<
    Function,
    Map<string, { typeFunction: () => Function; options?: { discriminator?: unknown } }>
  >;
  getExposedMetadatas(target: Function): unknown[];
  getExcludedMetadatas(target: Function): unknown[];
  getAncestors(target: Function): Function[];
}
/** class-transformer's own storage module (not exported from its index; no types). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorageModule = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerStorage;
};
const transformerStorage = transformerStorageModule.defaultMetadataStorage;

type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/**
 * A fast path for `plainToInstance` + `validateSync` on hot-path contracts (every message is checked where it is
 * published and again where it is consumed). class-validator re-reads and regroups the metadata of the class, and
 * scans every registered class for ancestors, on each call; here that is done once per class, and a call only
 * runs the constraints.
 *
 * Its only answer is "valid, and here is the instance" or "ask class-validator": it never reports problems
 * itself, so the messages stay class-validator's, and a false "invalid" only costs the slow path. A class is
 * compiled only when everything it uses is understood here (no @Transform, @Expose/@Exclude, methods,
 * primitive @Type or async constraints); anything else always takes the slow path.
 */
export type FastValidator<T> = (plain: Record<string, unknown>) => T | undefined;

type InstanceCheck = (instance: object) => boolean;

interface CompiledClass {
  convert: (plain: Record<string, unknown>) => object | undefined;
  check: InstanceCheck;
}

const UNSUPPORTED = null;
const compiled = new Map<Function, CompiledClass | typeof UNSUPPORTED>();
/** Classes being compiled: a class nested in itself refers to its entry lazily. */
const compiling = new Set<Function>();
/** Constructors the class-transformer would not turn a nested object into a class instance of. */
const PRIMITIVE_TYPES = new Set<unknown>([String, Number, Boolean, Date, Object, Array, Map, Set, Symbol]);

const validators = new Map<Function, FastValidator<object> | null>();

/** The class's fast validator, built on first use; null when the class always takes the slow path. */
export function fastValidatorFor<T extends object>(cls: ClassConstructor<T>): FastValidator<T> | null {
  let validator = validators.get(cls);
  if (validator === undefined) {
    const compiledClass = compileClass(cls);
    validator = compiledClass
      ? (plain) => {
          const instance = compiledClass.convert(plain);
          return instance && compiledClass.check(instance) ? instance : undefined;
        }
      : null;
    validators.set(cls, validator);
  }
  return validator as FastValidator<T> | null;
}

function compileClass(cls: Function): CompiledClass | null {
  const known = compiled.get(cls);
  if (known !== undefined) return known;
  if (compiling.has(cls)) {
    // Recursive contract: resolved at call time, when compilation has finished.
    return {
      convert: (plain) => compiled.get(cls)?.convert(plain),
      check: (instance) => compiled.get(cls)?.check(instance) ?? false,
    };
  }
  compiling.add(cls);
  try {
    const result = supportsConversion(cls) ? buildClass(cls) : UNSUPPORTED;
    compiled.set(cls, result);
    return result;
  } finally {
    compiling.delete(cls);
  }
}

/** Whether plainToInstance would only construct the class and copy the plain object's keys. */
function supportsConversion(cls: Function): boolean {
  const storage = transformerStorage;
  for (const target of [cls, ...storage.getAncestors(cls)]) {
    if (storage._transformMetadatas.has(target)) return false;
    if (storage.getExposedMetadatas(target).length || storage.getExcludedMetadatas(target).length)
      return false;
    // Methods and accessors change how class-transformer assigns keys.
    if (Object.getOwnPropertyNames(target.prototype).some((name) => name !== 'constructor')) return false;
  }
  return true;
}

function buildClass(cls: Function): CompiledClass | null {
  const nestedTypes = new Map<string, CompiledClass>();
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  const typed = transformerStorage._typeMetadatas;
  for (const target of [cls, ...ancestorsOf(cls)]) {
    for (const [property, meta] of typed.get(target) ?? []) {
      if (nestedTypes.has(property)) continue;
      const { typeFunction, options } = meta;
      const nested = typeFunction();
      if (options?.discriminator || PRIMITIVE_TYPES.has(nested)) return UNSUPPORTED;
      const compiledNested = compileClass(nested);
      if (!compiledNested) return UNSUPPORTED;
      nestedTypes.set(property, compiledNested);
    }
  }
  const propertyChecks: InstanceCheck[] = [];
  const grouped = getMetadataStorage().groupByPropertyName(metadatas);
  for (const [property, group] of Object.entries(grouped)) {
    const check = compileProperty(property, group);
    if (!check) return UNSUPPORTED;
    propertyChecks.push(check);
  }
  const Construct = cls as new () => Record<string, unknown>;
  return {
    convert: (plain) => {
      const instance = new Construct();
      for (const key of Object.keys(plain)) {
        // A JSON "__proto__" key would replace the prototype on assignment: leave it to the slow path.
        if (key === '__proto__') return undefined;
        const value = plain[key];
        const nested = nestedTypes.get(key);
        if (!nested || value === null || typeof value !== 'object') {
          instance[key] = value;
        } else if (Array.isArray(value)) {
          const items: unknown[] = [];
          for (const item of value) {
            if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
            const converted = nested.convert(item as Record<string, unknown>);
            if (!converted) return undefined;
            items.push(converted);
          }
          instance[key] = items;
        } else {
          const converted = nested.convert(value as Record<string, unknown>);
          if (!converted) return undefined;
          instance[key] = converted;
        }
      }
      return instance;
    },
    check: (instance) => {
      for (const check of propertyChecks) if (!check(instance)) return false;
      return true;
    },
  };
}

function ancestorsOf(cls: Function): Function[] {
  return transformerStorage.getAncestors(cls);
}

/** One property's checks, in class-validator's order: conditions, then defined, custom and nested constraints. */
function compileProperty(property: string, group: ValidationMetadata[]): InstanceCheck | null {
  const conditions: ((object: object, value: unknown) => boolean)[] = [];
  const constraints: InstanceCheck[] = [];
  let nested = false;
  for (const metadata of group) {
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        const check = compileConstraint(property, metadata);
        if (!check) return null;
        constraints.push(check);
        break;
      }
      case ValidationTypes.NESTED_VALIDATION:
        nested = true;
        break;
      default:
        return null; // promise and whitelist validation
    }
  }
  return (object) => {
    const value = (object as Record<string, unknown>)[property];
    for (const condition of conditions) if (!condition(object, value)) return true;
    for (const constraint of constraints) if (!constraint(object)) return false;
    return !nested || value === undefined || nestedValid(value);
  };
}

function compileConstraint(property: string, metadata: ValidationMetadata): InstanceCheck | null {
  const implementations = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  if (implementations.some((implementation) => implementation.async)) return null;
  const validators = implementations.map((implementation) => implementation.instance);
  const { each, validateIf } = metadata;
  return (object) => {
    const value = (object as Record<string, unknown>)[property];
    if (validateIf && !validateIf(object, value)) return true;
    const args: ValidationArguments = {
      targetName: object.constructor?.name,
      property,
      object,
      value,
      constraints: metadata.constraints,
    };
    const items = each && isCollection(value) ? toArray(value) : [value];
    for (const validator of validators) {
      for (const item of items) {
        const valid: unknown = validator.validate(item, args);
        // A promise would be an async constraint the metadata did not declare: let class-validator judge.
        if (valid !== true && valid !== false) return false;
        if (!valid) return false;
      }
    }
    return true;
  };
}

/** class-validator's nested rule: arrays element by element, objects by their own class, nothing else. */
function nestedValid(value: unknown): boolean {
  if (isCollection(value)) {
    for (const item of toArray(value)) if (item === undefined || !nestedValid(item)) return false;
    return true;
  }
  if (!(value instanceof Object)) return false;
  const constructor = (value as object).constructor;
  // A plain object (no @Type): class-validator looks up metadata for Object, finds none and accepts it.
  if (!constructor || constructor === Object) return false; // rare on the hot path: the slow path decides
  const compiledClass = compileClass(constructor);
  return compiledClass !== null && compiledClass.check(value as object);
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

function toArray(value: unknown[] | Set<unknown> | Map<unknown, unknown>): unknown[] {
  return Array.isArray(value) ? value : [...value.values()];
}

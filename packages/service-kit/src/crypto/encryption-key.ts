import { applyDecorators } from '@nestjs/common';
import { registerDecorator, ValidateIf } from 'class-validator';
import { isProduction, RequiredInProduction, setOrProduction } from '../config/production-settings';

/**
 * Only for development and tests; production refuses to start without a real `ENCRYPTION_KEY` and refuses this
 * one. 32 bytes (hex) for AES-256-GCM.
 */
export const DEV_DEFAULT_ENCRYPTION_KEY = '646576206f6e6c7920656e6372797074696f6e206b6579206e6f742070726f64';

/** 32 bytes written as 64 hex digits or as base64 (standard or URL-safe alphabet). */
export function parseEncryptionKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const key = Buffer.from(value, 'base64');
  return key.length === 32 ? key : undefined;
}

/** The key a config's `ENCRYPTION_KEY` names, or outside production the development default. */
export function encryptionKeyOf(value: string | undefined): Buffer {
  return parseEncryptionKey(value ?? DEV_DEFAULT_ENCRYPTION_KEY)!;
}

function ValidEncryptionKey(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'validEncryptionKey',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) =>
          isProduction(args) && args.value === DEV_DEFAULT_ENCRYPTION_KEY
            ? '$property must not be the development default in production'
            : '$property must be 32 bytes written as 64 hex digits or base64',
      },
      validator: {
        // Absence is RequiredInProduction's to report.
        validate: (value: unknown, args) =>
          value === undefined ||
          (typeof value === 'string' &&
            parseEncryptionKey(value) !== undefined &&
            !(isProduction(args) && value === DEV_DEFAULT_ENCRYPTION_KEY)),
      },
    });
}

/**
 * Validation of an `ENCRYPTION_KEY` setting, the same in every service that stores secrets it must read back:
 * required in production (and not the development default there), 32 bytes as hex or base64 when given.
 */
export function EncryptionKeySetting(): PropertyDecorator {
  return applyDecorators(
    ValidateIf(setOrProduction('ENCRYPTION_KEY')),
    RequiredInProduction(),
    ValidEncryptionKey(),
  );
}

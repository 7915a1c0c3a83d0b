import { registerDecorator, type ValidationArguments } from 'class-validator';

export const isProduction = (args?: ValidationArguments) =>
  (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV === 'production';

/** For `@ValidateIf`: checked when given, and always in production (where it has no default). */
export const setOrProduction = (property: string) => (object: Record<string, unknown>) =>
  object.NODE_ENV === 'production' || object[property] !== undefined;

/** Set in production; outside production a documented development default is used instead. */
export function RequiredInProduction(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'requiredInProduction',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be set when NODE_ENV=production (no development default there)' },
      validator: { validate: (value: unknown, args) => !isProduction(args) || typeof value === 'string' },
    });
}

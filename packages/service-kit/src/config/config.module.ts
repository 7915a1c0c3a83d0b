import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { loadConfig } from './load-config';
import { BaseServiceConfig } from './service-config';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** Validated configuration, injectable by its class (and as BaseServiceConfig for shared modules). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends BaseServiceConfig>(
    service: string,
    cls: ClassConstructor<T>,
    config?: T,
  ): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        // Read at container start, not at import, so tests can set the environment first.
        { provide: cls, useFactory: () => config ?? loadConfig(cls) },
        ...((cls as unknown) === BaseServiceConfig ? [] : [{ provide: BaseServiceConfig, useExisting: cls }]),
        { provide: SERVICE_NAME, useValue: service },
      ],
      exports: [cls, BaseServiceConfig, SERVICE_NAME],
    };
  }
}

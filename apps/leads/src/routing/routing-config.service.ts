import { Injectable } from '@nestjs/common';
import { BadRequestError, type RoutingConfigView, type UpdateRoutingConfigCommand } from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { PipelineRepository } from '../pipelines/pipeline.repository';
import { effectiveConfig, withUpdate } from './routing-config';
import { RoutingConfigRepository } from './routing-config.repository';

const CACHE_MS = 1000;

/** Routing settings (api.md §11 `GET|PUT /routing/config`): defaults overlaid with an admin's changes. */
@Injectable()
export class RoutingConfigService {
  private readonly log: Logger;
  private cached?: { config: RoutingConfigView; at: number };

  constructor(
    private readonly tx: TransactionHost,
    private readonly configs: RoutingConfigRepository,
    private readonly pipelines: PipelineRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('routing-config');
  }

  /**
   * The settings, read at most once per CACHE_MS per instance (the score consumer asks every batch): an edit
   * applies at once where it was made and within that time everywhere else.
   */
  async current(): Promise<RoutingConfigView> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.config;
    const config = effectiveConfig(await this.configs.read());
    this.cached = { config, at: Date.now() };
    return config;
  }

  /** A partial update; every pipeline slug it names must exist (400 with the paths that do not). */
  async update({ body, actor }: UpdateRoutingConfigCommand): Promise<RoutingConfigView> {
    const updated = await this.tx.transaction(async () => {
      const stored = withUpdate(await this.configs.readForUpdate(), body);
      const config = effectiveConfig(stored);
      await this.assertPipelinesExist(config);
      await this.configs.write(stored, actor.id ?? actor.type);
      return config;
    });
    this.cached = undefined;
    this.log.info({ actor_type: actor.type, changed: Object.keys(body) }, 'routing config updated');
    return updated;
  }

  /**
   * The settings that name the pipeline `slug` (`fallback_pipeline`, `intent_to_pipeline.<intent>`). Reads the
   * stored row locked until the caller's transaction ends, so a concurrent edit cannot start naming it meanwhile.
   */
  async pipelineReferences(slug: string): Promise<string[]> {
    const config = effectiveConfig(await this.configs.readForUpdate());
    return [
      ...(config.fallback_pipeline === slug ? ['fallback_pipeline'] : []),
      ...Object.entries(config.intent_to_pipeline)
        .filter(([, target]) => target === slug)
        .map(([intent]) => `intent_to_pipeline.${intent}`),
    ];
  }

  private async assertPipelinesExist(config: RoutingConfigView): Promise<void> {
    const slugs: [string, string][] = [
      ['body.fallback_pipeline', config.fallback_pipeline],
      ...Object.entries(config.intent_to_pipeline).map(
        ([intent, slug]) => [`body.intent_to_pipeline.${intent}`, slug] as [string, string],
      ),
    ];
    const known = new Set(await this.pipelines.existingSlugs(slugs.map(([, slug]) => slug)));
    const unknown = slugs.filter(([, slug]) => !known.has(slug));
    if (unknown.length) {
      throw new BadRequestError('Unknown pipeline slug', {
        validation_errors: unknown.map(([path, slug]) => ({
          path,
          message: `no pipeline has the slug "${slug}"`,
          code: 'unknown_pipeline',
        })),
      });
    }
  }
}

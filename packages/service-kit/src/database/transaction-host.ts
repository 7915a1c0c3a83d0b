import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

interface TransactionScope {
  manager: EntityManager;
  afterCommit: (() => void)[];
}

/**
 * The unit of work. `transaction()` opens one (or joins the one already open in this async flow);
 * repositories take `manager` from here, so a use case, its outbox rows and the inbox row share a commit.
 */
@Injectable()
export class TransactionHost {
  private readonly scope = new AsyncLocalStorage<TransactionScope>();

  constructor(readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.scope.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.scope.getStore() !== undefined;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    const afterCommit: (() => void)[] = [];
    const result = await this.dataSource.transaction((manager) =>
      this.scope.run({ manager, afterCommit }, work),
    );
    for (const callback of afterCommit) callback();
    return result;
  }

  /** Runs `callback` once the enclosing transaction has committed (at once when there is none). */
  onCommit(callback: () => void): void {
    const scope = this.scope.getStore();
    if (scope) scope.afterCommit.push(callback);
    else callback();
  }
}
